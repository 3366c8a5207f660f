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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two child JVMs and eight threads promote on one home at once. */
class RegistryProcessIT {
  @TempDir Path tmp;

  @Test
  void twoProcessesAndEightThreadsLeaveOneHolder() throws Exception {
    Path home = tmp.resolve("home");
    Path file = Files.writeString(tmp.resolve("w.bin"), "w");
    try (Mlops m = Mlops.open(home)) {
      ModelRegistry reg = m.registry();
      for (int i = 0; i < 12; i++) {
        reg.register("churn", ModelSource.ofPath(file));
      }
      List<Process> children = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        ProcessBuilder pb =
            new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StagePromoter.class.getName(),
                home.toString(),
                String.valueOf(9 + 2 * c),
                "2",
                "10",
                file.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("child-" + c + ".log").toFile());
        children.add(pb.start());
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int v = t + 1;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    reg.assignStage("churn", v, "production", "thread " + v);
                    reg.setAlias("churn", "champion", v);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      for (int c = 0; c < children.size(); c++) {
        Process p = children.get(c);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child %d finished", c).isTrue();
        assertThat(p.exitValue())
            .as("child %d exit; log: %s", c, Files.readString(tmp.resolve("child-" + c + ".log")))
            .isZero();
      }
      assertThat(reg.search(ModelQuery.name("churn").stage("production"))).hasSize(1);
      List<ModelVersion> all = reg.versions("churn");
      assertThat(all.stream().filter(v -> v.aliases().contains("champion"))).hasSize(1);
      assertThat(all)
          .extracting(ModelVersion::version)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 12 + 2 * 10).boxed().toList());
      List<AuditEvent> h = reg.history("churn");
      assertThat(h).extracting(AuditEvent::actor).contains("child-9", "child-11");
      StageConcurrencyTest.assertSingleHolderThroughout(h, "Production");
    }
  }
}
