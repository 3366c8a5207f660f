package dev.mlops.samples;

import dev.mlops.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/** Renders a {@link ProgressListener} as a one-line text progress bar on a terminal. */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private String lastLine = "";

  /** A bar printed to {@code out}. */
  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void progress(String task, long done, long total) {
    String line;
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      line =
          String.format(
              Locale.ROOT,
              "  [%s%s] %3d%% %s",
              "#".repeat(filled),
              " ".repeat(WIDTH - filled),
              100 * done / total,
              task);
    } else {
      line = String.format(Locale.ROOT, "  [%d] %s", done, task);
    }
    if (!line.equals(lastLine)) {
      out.print("\r" + line);
      if (total > 0 && done >= total) {
        out.println();
      }
      out.flush();
      lastLine = line;
    }
  }
}
