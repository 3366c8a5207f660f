package dev.mlops.samples;

import dev.mlops.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Renders a {@link ProgressListener} as a one-line text progress bar on a terminal. Thread-safe.
 */
public final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private String lastTask = "";
  private int lastFilled = -1;

  /** A bar printed to {@code out}. */
  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void progress(String task, long done, long total) {
    String line;
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      // redraw only when the bar grows: one line per step even when the output is a log file
      if (task.equals(lastTask) && filled == lastFilled) {
        return;
      }
      lastTask = task;
      lastFilled = filled;
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
    out.print("\r" + line);
    if (total > 0 && done >= total) {
      out.println();
    }
    out.flush();
  }
}
