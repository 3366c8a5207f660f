package dev.mlops.benchmarks.serving;

import dev.mlops.Mlops;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 2 of issue 6: the overhead of {@code Endpoint.predict} (batching off, logging off) over
 * calling the model directly, per call. Goal: p50 overhead below 5 µs.
 *
 * <p>Usage: {@code InProcessBenchmark [calls, default 1000000]}.
 */
public final class InProcessBenchmark {
  /** The input. */
  public record In(double x) {}

  private InProcessBenchmark() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    BatchPredictor<In, Double> model = batch -> List.of(batch.get(0).x() * 2);
    Path home = Files.createTempDirectory("mlops-bench-inproc");
    try (Mlops m = Mlops.open(home)) {
      Endpoint<In, Double> ep = m.serving().endpoint("bench", In.class, model).build();
      In in = new In(21);
      double sink = 0;
      long[] direct = new long[calls];
      long[] endpoint = new long[calls];
      for (int round = 0; round < 2; round++) { // round 0 warms up
        for (int i = 0; i < calls; i++) {
          long t0 = System.nanoTime();
          sink += model.predict(List.of(in)).get(0);
          long t1 = System.nanoTime();
          sink += ep.predict(in);
          long t2 = System.nanoTime();
          direct[i] = t1 - t0;
          endpoint[i] = t2 - t1;
        }
      }
      Arrays.sort(direct);
      Arrays.sort(endpoint);
      System.out.printf(
          Locale.ROOT, "%n%-22s %10s %10s %10s%n", "call", "p50 µs", "p90 µs", "p99 µs");
      row("model.predict (bare)", direct);
      row("endpoint.predict", endpoint);
      double overhead = (endpoint[calls / 2] - direct[calls / 2]) / 1000.0;
      System.out.printf(
          Locale.ROOT,
          "p50 overhead: %.3f µs (goal < 5 µs); ratio endpoint/bare p50: %.1fx  (sink %s)%n",
          overhead,
          endpoint[calls / 2] / (double) Math.max(1, direct[calls / 2]),
          sink > 0 ? "ok" : "?");
    }
  }

  private static void row(String name, long[] sorted) {
    int n = sorted.length;
    System.out.printf(
        Locale.ROOT,
        "%-22s %10.3f %10.3f %10.3f%n",
        name,
        sorted[n / 2] / 1000.0,
        sorted[(int) (n * 0.9)] / 1000.0,
        sorted[(int) (n * 0.99)] / 1000.0);
  }
}
