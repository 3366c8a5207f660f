package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.registry.AuditEvent;
import dev.mlops.registry.ModelQuery;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageConcurrencyTest {
  @TempDir Path tmp;

  @Test
  void eightThreadsLeaveExactlyOneHolder() throws Exception {
    try (Mlops m = Mlops.open(tmp.resolve("home"))) {
      ModelRegistry reg = m.registry();
      Path f = Files.writeString(tmp.resolve("w.bin"), "w");
      for (int i = 0; i < 8; i++) {
        reg.register("churn", ModelSource.ofPath(f));
      }
      int threads = 8;
      ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<Integer> registered = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int version = t + 1;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 9; i++) {
                    reg.assignStage("churn", version, "production", "thread " + version);
                    reg.setAlias("churn", "champion", version);
                    if (i % 3 == 0) {
                      registered.add(reg.register("churn", ModelSource.ofPath(f)).version());
                    }
                  }
                  return null;
                }));
      }
      Future<?> reader =
          pool.submit(
              () -> {
                start.await();
                while (!done.get()) {
                  int holders = reg.search(ModelQuery.name("churn").stage("production")).size();
                  if (holders > 1) {
                    violations.add("saw " + holders + " production holders");
                  }
                }
                return null;
              });
      start.countDown();
      for (Future<?> fu : futures) {
        fu.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      reader.get(30, TimeUnit.SECONDS);
      pool.shutdown();

      assertThat(violations).isEmpty();
      assertThat(reg.search(ModelQuery.name("churn").stage("production"))).hasSize(1);
      List<ModelVersion> all = reg.versions("churn");
      assertThat(all.stream().filter(v -> v.aliases().contains("champion"))).hasSize(1);
      // registrations under contention got distinct, gap-free numbers
      assertThat(registered).doesNotHaveDuplicates().hasSize(threads * 3);
      assertThat(all)
          .extracting(ModelVersion::version)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, 8 + threads * 3).boxed().toList());
      assertSingleHolderThroughout(reg.history("churn"), "Production");
    }
  }

  /** Replays the audit trail: no event leaves two versions in {@code stage}. */
  static void assertSingleHolderThroughout(List<AuditEvent> history, String stage) {
    Map<Integer, String> stages = new HashMap<>();
    int changes = 0;
    for (AuditEvent e : history) {
      if (e.action() == AuditEvent.Action.STAGE_CHANGED) {
        assertThat(stages.getOrDefault(e.version(), "None"))
            .as("event %d: from matches the replayed stage", e.sequence())
            .isEqualTo(e.from());
        stages.put(e.version(), e.to());
        changes++;
        long holders = stages.values().stream().filter(stage::equals).count();
        assertThat(holders)
            .as("holders of %s after event %d", stage, e.sequence())
            .isLessThanOrEqualTo(1);
      }
    }
    assertThat(changes).isGreaterThan(0);
  }
}
