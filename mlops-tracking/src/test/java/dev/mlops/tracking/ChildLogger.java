package dev.mlops.tracking;

import dev.mlops.Mlops;
import java.nio.file.Path;

/**
 * A child JVM for the process tests. Modes:
 *
 * <ul>
 *   <li>{@code log <home> <count>}: one run with {@code count} points, then exit normally
 *   <li>{@code forever <home>}: logs until killed, printing {@code flushed <n>} after each flush
 * </ul>
 *
 * Prints {@code run <id>} first.
 */
public final class ChildLogger {
  private ChildLogger() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Mlops m = Mlops.open(Path.of(args[1]));
    if (mode.equals("log")) {
      int count = Integer.parseInt(args[2]);
      try (ActiveRun run = m.tracking().start("shared")) {
        System.out.println("run " + run.id());
        for (int i = 0; i < count; i++) {
          run.metric("m", i, i);
          if (i % 1000 == 0) {
            run.param("p" + i, i);
          }
        }
      }
      m.close();
      System.out.println("done");
      return;
    }
    ActiveRun run = m.tracking().start("killed");
    System.out.println("run " + run.id());
    System.out.flush();
    long i = 0;
    while (true) {
      for (int k = 0; k < 500; k++, i++) {
        run.metric("m", (double) i, i);
      }
      run.flush();
      System.out.println("flushed " + i);
      System.out.flush();
    }
  }
}
