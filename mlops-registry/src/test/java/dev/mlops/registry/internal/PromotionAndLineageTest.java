package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.registry.Gate;
import dev.mlops.registry.GateResult;
import dev.mlops.registry.Lineage;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.PromotionResult;
import dev.mlops.tracking.Run;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lineage from real tracked runs (mlops-tracking) and promotion gates on their metrics. */
class PromotionAndLineageTest {
  static final DataVersion TRAIN =
      new DataVersion("data/train.csv", "d41d8cd98f00b204e9800998ecf8427e", 1234, null);

  @TempDir Path tmp;
  Mlops m;
  ModelRegistry reg;

  @BeforeEach
  void open() {
    m = Mlops.open(tmp.resolve("home"));
    reg = m.registry();
  }

  @AfterEach
  void close() {
    m.close();
  }

  Run trainedRun(double auc, double loss) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out-" + auc).resolve("model"));
    Files.writeString(dir.resolve("weights.bin"), "auc=" + auc);
    Files.writeString(dir.resolve("MLmodel"), "flavors: {}\n");
    return m.tracking()
        .run(
            "churn",
            r ->
                r.param("lr", 0.01)
                    .param("trees", 400)
                    .metric("auc", auc)
                    .metric("loss", loss)
                    .input(TRAIN)
                    .artifact(dir));
  }

  ModelVersion registerRun(double auc, double loss) throws IOException {
    Run run = trainedRun(auc, loss);
    return reg.register("churn", ModelSource.ofRun(run.id(), "model"));
  }

  @Test
  void lineageFromARealTrackedRun() throws IOException {
    Run run = trainedRun(0.93, 0.2);
    ModelVersion v = reg.register("churn", ModelSource.ofRun(run.id(), "model"));
    assertThat(v.runId()).isEqualTo(run.id());
    assertThat(v.source()).isEqualTo("runs:/" + run.id() + "/model");
    Lineage l = reg.lineage("churn@1");
    assertThat(l.runId()).isEqualTo(run.id());
    assertThat(l.experimentId()).isEqualTo(run.experimentId());
    assertThat(l.params()).containsEntry("lr", "0.01").containsEntry("trees", "400");
    assertThat(l.metrics()).isEqualTo(Map.of("auc", 0.93, "loss", 0.2));
    assertThat(l.inputs()).containsExactly(TRAIN);
    assertThat(l.gitCommit())
        .isEqualTo(m.tracking().get(run.id()).tags().getOrDefault("mlflow.source.git.commit", ""));
    Path out = reg.download("churn@latest", tmp.resolve("dl"));
    assertThat(Files.readString(out.resolve("weights.bin"))).isEqualTo("auc=0.93");
    assertThat(out.resolve("MLmodel")).exists();
    // the metrics snapshot does not follow later changes of the run
    m.tracking().setTag(run.id(), "note", "after");
    assertThat(reg.lineage("churn@1").metrics()).containsEntry("auc", 0.93);
  }

  @Test
  void unknownRunOrArtifactRegistersNothing() throws IOException {
    Run run = trainedRun(0.9, 0.3);
    assertThatThrownBy(
            () ->
                reg.register(
                    "churn", ModelSource.ofRun("0123456789abcdef0123456789abcdef", "model")))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> reg.register("churn", ModelSource.ofRun(run.id(), "nope")))
        .isInstanceOf(NotFoundException.class);
    assertThat(reg.models()).isEmpty();
  }

  @Test
  void metricGatesPassAndPromote() throws IOException {
    registerRun(0.93, 0.2);
    PromotionResult r =
        reg.promote(
            "churn@1",
            "production",
            Gate.metric("auc").atLeast(0.9),
            Gate.metric("loss").atMost(0.25));
    assertThat(r.promoted()).isTrue();
    assertThat(r.failedGates()).isEmpty();
    assertThat(r.gates()).allMatch(GateResult::passed).hasSize(2);
    assertThat(r.version().stage()).isEqualTo("Production");
    assertThat(reg.resolve("churn#production").version()).isEqualTo(1);
  }

  @Test
  void failedGatesAreAllListedAndNothingChanges() throws IOException {
    registerRun(0.93, 0.2);
    reg.assignStage("churn", 1, "production");
    registerRun(0.91, 0.3);
    int events = reg.history("churn").size();
    PromotionResult r =
        reg.promote(
            "churn@2",
            "production",
            Gate.metric("auc").atLeast(0.95),
            Gate.beatsCurrent("auc", 0.01),
            Gate.metric("f1").atLeast(0.5),
            Gate.metric("loss").atMost(1));
    assertThat(r.promoted()).isFalse();
    assertThat(r.failedGates()).hasSize(3);
    assertThat(r.failedGates().get(0)).contains("auc").contains("0.91").contains(">= 0.95");
    assertThat(r.failedGates().get(1)).contains("beats current").contains("0.91").contains("0.94");
    assertThat(r.failedGates().get(2)).contains("f1").contains("missing");
    assertThat(r.version().stage()).isEqualTo("None");
    assertThat(reg.resolve("churn#production").version()).isEqualTo(1);
    assertThat(reg.history("churn")).hasSize(events);
  }

  @Test
  void beatsCurrentPassesOnBetterModelAndArchivesTheHolder() throws IOException {
    registerRun(0.90, 0.30);
    PromotionResult first = reg.promote("churn@1", "production", Gate.beatsCurrent("auc", 0.01));
    assertThat(first.promoted()).as("no holder yet: passes").isTrue();
    registerRun(0.95, 0.25);
    PromotionResult second =
        reg.promote(
            "churn@latest",
            "production",
            Gate.beatsCurrent("auc", 0.01),
            Gate.beatsCurrentLower("loss", 0.01));
    assertThat(second.promoted()).isTrue();
    assertThat(reg.resolve("churn#production").version()).isEqualTo(2);
    assertThat(reg.resolve("churn@1").stage()).isEqualTo("Archived");
    registerRun(0.99, 0.40);
    PromotionResult third =
        reg.promote("churn@3", "production", Gate.beatsCurrentLower("loss", 0.0));
    assertThat(third.promoted()).isFalse();
    assertThat(third.failedGates().get(0)).contains("<= 0.25");
  }

  @Test
  void customGatesAndThrowingGates() throws IOException {
    registerRun(0.93, 0.2);
    PromotionResult r =
        reg.promote(
            "churn@1",
            "staging",
            Gate.check("has owner tag", ctx -> ctx.candidate().tags().containsKey("owner")),
            ctx -> {
              throw new IllegalStateException("boom");
            },
            Gate.check(
                "trained on train.csv", ctx -> ctx.candidateLineage().inputs().contains(TRAIN)));
    assertThat(r.promoted()).isFalse();
    assertThat(r.failedGates()).hasSize(2);
    assertThat(r.failedGates().get(0)).contains("has owner tag");
    assertThat(r.failedGates().get(1)).contains("threw").contains("boom");
    assertThat(r.gates().get(2).passed()).isTrue();
    reg.setTag("churn@1", "owner", "alice");
    assertThat(
            reg.promote(
                    "churn@1",
                    "staging",
                    Gate.check("has owner tag", ctx -> ctx.candidate().tags().containsKey("owner")))
                .promoted())
        .isTrue();
  }
}
