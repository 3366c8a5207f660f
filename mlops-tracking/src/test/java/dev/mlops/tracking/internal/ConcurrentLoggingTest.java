package dev.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.Tracking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentLoggingTest {
  @TempDir Path dir;

  @Test
  void eightThreadsTimesTenThousandMetricsLoseNothing() throws Exception {
    int threads = 8;
    int perThread = 10_000;
    try (Mlops m =
        Mlops.builder()
            .home(dir.resolve(".mlops"))
            .property(DefaultTracking.QUEUE_CAPACITY, "2000") // small: callers must wait at times
            .property(DefaultTracking.BATCH_SIZE, "1500")
            .build()) {
      Tracking tracking = m.tracking();
      ActiveRun shared = tracking.start("load");
      List<ActiveRun> own = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        own.add(tracking.start("load", "own-" + t));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    shared.metric("t" + thread, i, i);
                    own.get(thread).metric("v", i * 0.5, i);
                    if (i % 2500 == 0) {
                      own.get(thread).flush();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      shared.flush();
      for (int t = 0; t < threads; t++) {
        List<Metric> h = tracking.metricHistory(shared.id(), "t" + t);
        assertThat(h).as("thread %d", t).hasSize(perThread);
        for (int i = 0; i < perThread; i++) {
          assertThat(h.get(i).step()).isEqualTo(i);
          assertThat(h.get(i).value()).isEqualTo(i);
        }
        assertThat(tracking.metricHistory(own.get(t).id(), "v")).hasSize(perThread);
      }
      shared.close();
      own.forEach(ActiveRun::close);
      Run r = tracking.get(shared.id());
      assertThat(r.metrics()).hasSize(threads).containsEntry("t0", perThread - 1.0);
    }
  }
}
