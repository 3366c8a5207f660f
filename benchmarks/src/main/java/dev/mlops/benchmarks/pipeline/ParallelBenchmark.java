package dev.mlops.benchmarks.pipeline;

import dev.mlops.Mlops;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Benchmark 2 of issue 4: 8 independent {@code sleep} stages, {@code parallelism(1)} vs {@code
 * parallelism(2)}; the machine's limit in the same run is {@code xargs -P2} running the same
 * sleeps. Run: {@code java -cp <classpath> dev.mlops.benchmarks.pipeline.ParallelBenchmark
 * [stages=8] [sleepSeconds=1]}
 */
public final class ParallelBenchmark {
  private ParallelBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    String sleep = args.length > 1 ? args[1] : "1";
    Path dir = Files.createTempDirectory("mlops-parallel-bench");
    try (Mlops m = Mlops.builder().home(dir.resolve(".mlops")).build()) {
      Pipeline.Builder b = Pipeline.builder("sleepers");
      for (int i = 0; i < n; i++) {
        String out = "o" + i + ".txt";
        b.stage("sleep" + i, s -> s.cmd("sleep " + sleep + "; echo done > " + out).outs(out));
      }
      Pipeline p = b.build();
      m.pipelines().repro(p, ReproOptions.defaults().parallelism(2)); // warm up, writes the lock
      double p1 = wall(m, p, 1);
      double p2 = wall(m, p, 2);
      long a = System.nanoTime();
      int exit =
          new ProcessBuilder("bash", "-c", "seq " + n + " | xargs -P2 -I{} sleep " + sleep)
              .inheritIO()
              .start()
              .waitFor();
      double xargs = (System.nanoTime() - a) / 1e9;
      if (exit != 0) {
        throw new IllegalStateException("xargs exited with " + exit);
      }
      double ideal = n * Double.parseDouble(sleep) / 2;
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "%-40s %10s %12s%n",
          n + " independent 'sleep " + sleep + "' stages",
          "wall s",
          "ratio");
      System.out.printf(Locale.ROOT, "%-40s %10.2f %12s%n", "repro parallelism(1)", p1, "1.00");
      System.out.printf(Locale.ROOT, "%-40s %10.2f %12.3f%n", "repro parallelism(2)", p2, p2 / p1);
      System.out.printf(
          Locale.ROOT,
          "%-40s %10.2f %12.3f%n",
          "xargs -P2 sleep (machine's limit)",
          xargs,
          xargs / p1);
      System.out.printf(
          Locale.ROOT, "%-40s %10.2f %12.3f%n", "ideal (n x sleep / 2)", ideal, ideal / p1);
      System.out.printf(Locale.ROOT, "parallelism(2) vs xargs -P2: %.3fx%n", p2 / xargs);
    } finally {
      StatusBenchmark.deleteTree(dir);
    }
  }

  private static double wall(Mlops m, Pipeline p, int parallelism) {
    long a = System.nanoTime();
    PipelineRun r =
        m.pipelines().repro(p, ReproOptions.defaults().parallelism(parallelism).force(true));
    double s = (System.nanoTime() - a) / 1e9;
    if (!r.succeeded()) {
      throw new IllegalStateException("repro failed: " + r.stages());
    }
    return s;
  }
}
