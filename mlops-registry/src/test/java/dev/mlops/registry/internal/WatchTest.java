package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {
  @TempDir Path tmp;

  record Change(Optional<Integer> before, Optional<Integer> after) {}

  @Test
  void listenerSeesStageMovesFromThisAndAnotherInstance() throws Exception {
    Path home = tmp.resolve("home");
    Path f = Files.writeString(tmp.resolve("w.bin"), "w");
    try (Mlops m = Mlops.builder().home(home).property("registry.watch.interval.ms", "20").build();
        Mlops other = Mlops.open(home)) {
      ModelRegistry reg = m.registry();
      reg.register("churn", ModelSource.ofPath(f));
      reg.register("churn", ModelSource.ofPath(f));
      reg.assignStage("churn", 1, "production");
      BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
      ModelRegistry.Watch w =
          reg.watch(
              ModelRef.parse("churn#production"),
              (ref, before, after) ->
                  changes.add(
                      new Change(
                          before.map(ModelVersion::version), after.map(ModelVersion::version))));
      reg.assignStage("churn", 2, "production");
      assertThat(changes.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new Change(Optional.of(1), Optional.of(2)));
      // a change made through another instance (as another process would) is seen by polling
      other.registry().assignStage("churn", 1, "production");
      assertThat(changes.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new Change(Optional.of(2), Optional.of(1)));
      // unrelated changes do not call the listener
      other.registry().setAlias("churn", "champion", 2);
      other.registry().deleteVersion("churn", 1);
      assertThat(changes.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new Change(Optional.of(1), Optional.empty()));
      w.close();
      reg.assignStage("churn", 2, "production");
      assertThat(changes.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
  }
}
