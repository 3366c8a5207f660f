package dev.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rejected calls throw InvalidInputException naming the field, and change nothing. */
class BadInputTest {
  @TempDir Path dir;
  Mlops mlops;
  Tracking tracking;

  @BeforeEach
  void open() {
    mlops = Mlops.open(dir.resolve(".mlops"));
    tracking = mlops.tracking();
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  private static void rejects(String field, ThrowingCallable call) {
    assertThatThrownBy(call)
        .as(field)
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aRunWithoutABodyIsRejectedBeforeAnythingIsCreated() {
    rejects("body", () -> tracking.run("fresh", null));
    rejects("body", () -> tracking.run("fresh", "named", null));
    assertThat(tracking.experiment("fresh")).isEmpty();
    assertThat(tracking.search(RunQuery.all().view(RunView.ALL)).items()).isEmpty();
    try (ActiveRun parent = tracking.start("e", "parent")) {
      rejects("body", () -> parent.child("kid", null));
    }
    assertThat(tracking.search(RunQuery.all()).items())
        .extracting(Run::name)
        .containsExactly("parent");
  }

  @Test
  void theRunNameTagFollowsTheRunNameRules() {
    try (ActiveRun run = tracking.start("e", "before")) {
      rejects("tag mlflow.runName", () -> run.tag("mlflow.runName", "n".repeat(251)));
      rejects("tag mlflow.runName", () -> run.tag("mlflow.runName", " "));
      rejects("tag mlflow.runName", () -> tracking.setTag(run.id(), "mlflow.runName", ""));
      assertThat(tracking.get(run.id()).name()).isEqualTo("before");
      run.tag("mlflow.runName", "n".repeat(250));
      assertThat(tracking.get(run.id()).name()).hasSize(250);
    }
  }

  @Test
  void nullArgumentsAreInvalidInput() {
    try (ActiveRun run = tracking.start("e", "r")) {
      rejects("metric key", () -> run.metric(null, 1.0));
      rejects("params", () -> run.params(null));
      rejects("file", () -> run.artifact(null));
      rejects("status", () -> run.end(null));
      rejects("query", () -> tracking.search(null));
      rejects("experiment", () -> tracking.experiment(null));
      rejects("target", () -> tracking.downloadArtifacts(run.id(), "", null));
      run.flush();
      assertThat(tracking.get(run.id()).metrics()).isEmpty();
      assertThat(tracking.get(run.id()).status()).isEqualTo(RunStatus.RUNNING);
    }
    assertThat(tracking.search(RunQuery.in("e")).items())
        .extracting(Run::status)
        .isEqualTo(List.of(RunStatus.FINISHED));
  }
}
