package dev.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.monitoring.Table;
import dev.mlops.registry.Gate;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.PromotionResult;
import dev.mlops.testing.MlopsTest;
import dev.mlops.tracking.Run;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The registry's drift gate with every real module on the classpath (the registry's own tests use a
 * stub, since mlops-monitoring cannot be its test dependency without a reactor cycle): the gate
 * reads the candidate's training CSV through the run's recorded input.
 */
@MlopsTest
class DriftGateEndToEndTest {
  private static Path csv(Path file, long seed, double shift, int rows) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("tenure,charges\n");
    for (int i = 0; i < rows; i++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%.3f,%.3f%n",
              30 + 10 * r.nextGaussian() + shift,
              70 + 20 * r.nextGaussian() + 3 * shift));
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb);
    return file;
  }

  @Test
  void promotionPassesOnTrafficLikeTheTrainingDataAndIsRefusedOnDriftedTraffic(Mlops m)
      throws Exception {
    Path ws = m.config().workspace();
    DataVersion training = m.data().add(csv(ws.resolve("data/train.csv"), 1, 0, 400));
    Path model = Files.writeString(ws.resolve("model.txt"), "weights");
    Run run =
        m.tracking()
            .run("churn", r -> r.input(training).metric("accuracy", 0.9).artifact(model, "model"));
    ModelVersion v = m.registry().register("churn", ModelSource.ofRun(run.id(), "model"));

    Table shifted = Table.readCsv(csv(ws.resolve("today-shifted.csv"), 3, 15, 300));
    PromotionResult refused =
        m.registry().promote("churn@" + v.version(), "production", Gate.noInputDrift(shifted));
    assertThat(refused.promoted()).isFalse();
    assertThat(refused.failedGates()).hasSize(1);
    assertThat(m.registry().resolve("churn@" + v.version()).stage()).isNotEqualTo("production");

    Table similar = Table.readCsv(csv(ws.resolve("today.csv"), 2, 0, 300));
    PromotionResult promoted =
        m.registry().promote("churn@" + v.version(), "production", Gate.noInputDrift(similar));
    assertThat(promoted.failedGates()).isEmpty();
    assertThat(promoted.promoted()).isTrue();
    assertThat(m.registry().resolve("churn#production").version()).isEqualTo(v.version());
  }
}
