package dev.mlops.benchmarks.serving;

import dev.mlops.Mlops;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointBuilder;
import dev.mlops.serving.OverloadedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * Benchmark 3 of issue 6: a model costing 1 ms + 10 µs per row, 64 concurrent callers, batching off
 * vs fixed-window vs adaptive batching (same concurrency). Goal: batching ≥ 5× the requests/s of
 * batching off.
 *
 * <p>Usage: {@code BatchingBenchmark [seconds per mode, default 5]}.
 */
public final class BatchingBenchmark {
  /** The input. */
  public record In(int x) {}

  static final int CALLERS = 64;

  private BatchingBenchmark() {}

  record Result(String mode, double rps, double p50Ms, double p99Ms, long refused) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    BatchPredictor<In, Integer> model =
        batch -> {
          LockSupport.parkNanos(1_000_000L + 10_000L * batch.size());
          List<Integer> out = new ArrayList<>(batch.size());
          for (In i : batch) {
            out.add(i.x() + 1);
          }
          return out;
        };
    Path home = Files.createTempDirectory("mlops-bench-batching");
    List<Result> results = new ArrayList<>();
    try (Mlops m = Mlops.open(home)) {
      results.add(run(m, "batching off", model, b -> b, seconds));
      results.add(
          run(m, "batching(64, 2 ms)", model, b -> b.batching(64, Duration.ofMillis(2)), seconds));
      results.add(
          run(
              m,
              "adaptive(64, 50 ms)",
              model,
              b -> b.adaptiveBatching(64, Duration.ofMillis(50)),
              seconds));
    }
    double base = results.get(0).rps();
    System.out.printf(
        Locale.ROOT,
        "%n%-22s %12s %9s %9s %10s %9s%n",
        "mode (concurrency 4)",
        "req/s",
        "p50 ms",
        "p99 ms",
        "vs off",
        "refused");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-22s %12.0f %9.3f %9.3f %9.1fx %9d%n",
          r.mode(),
          r.rps(),
          r.p50Ms(),
          r.p99Ms(),
          r.rps() / base,
          r.refused());
    }
    System.out.println("goal: batching >= 5x the requests/s of batching off (64 callers)");
  }

  static Result run(
      Mlops m,
      String mode,
      BatchPredictor<In, Integer> model,
      UnaryOperator<EndpointBuilder<In, Integer>> config,
      int seconds)
      throws Exception {
    try (Endpoint<In, Integer> ep =
        config
            .apply(
                m.serving()
                    .endpoint("bench-" + mode.hashCode(), In.class, model)
                    .concurrency(4)
                    .maxQueue(4096))
            .build()) {
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong refused = new AtomicLong();
      long[][] lat = new long[CALLERS][];
      int[] counts = new int[CALLERS];
      CountDownLatch done = new CountDownLatch(CALLERS);
      for (int c = 0; c < CALLERS; c++) {
        int caller = c;
        lat[c] = new long[200_000];
        Thread t =
            new Thread(
                () -> {
                  int n = 0;
                  try {
                    while (!stop.get()) {
                      long t0 = System.nanoTime();
                      int y;
                      try {
                        y = ep.predict(new In(caller));
                      } catch (OverloadedException e) {
                        // refused (overload or latency budget): counted, and the caller goes on
                        if (measuring.get()) {
                          refused.incrementAndGet();
                        }
                        continue;
                      }
                      long took = System.nanoTime() - t0;
                      if (y != caller + 1) {
                        throw new IllegalStateException("wrong answer");
                      }
                      if (measuring.get() && n < lat[caller].length) {
                        lat[caller][n++] = took;
                      }
                    }
                  } finally {
                    counts[caller] = n;
                    done.countDown();
                  }
                });
        t.setDaemon(true);
        t.start();
      }
      Thread.sleep(1000); // warm-up
      long start = System.nanoTime();
      measuring.set(true);
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      long elapsed = System.nanoTime() - start;
      stop.set(true);
      done.await();
      int total = Arrays.stream(counts).sum();
      long[] all = new long[total];
      int k = 0;
      for (int c = 0; c < CALLERS; c++) {
        System.arraycopy(lat[c], 0, all, k, counts[c]);
        k += counts[c];
      }
      Arrays.sort(all);
      if (total == 0) {
        return new Result(mode, 0, Double.NaN, Double.NaN, refused.get());
      }
      return new Result(
          mode,
          total / (elapsed / 1e9),
          all[total / 2] / 1e6,
          all[(int) (total * 0.99)] / 1e6,
          refused.get());
    }
  }
}
