package dev.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingTest {
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

  @Test
  void runEndsFinishedWithEverythingLogged() {
    Run r =
        tracking.run(
            "churn",
            run -> {
              run.param("lr", 0.01).param("epochs", 10);
              for (int step = 0; step < 5; step++) {
                run.metric("loss", 1.0 / (step + 1), step);
              }
              run.metric("accuracy", 0.91);
              run.tag("team", "growth");
            });
    assertThat(r.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(r.endTime()).isNotNull();
    assertThat(r.params()).containsEntry("lr", "0.01").containsEntry("epochs", "10");
    assertThat(r.metrics()).containsEntry("loss", 0.2).containsEntry("accuracy", 0.91);
    assertThat(r.tags()).containsEntry("team", "growth");
    assertThat(r.name()).matches("[a-z]+-[a-z]+-\\d{1,3}");
    assertThat(tracking.metricHistory(r.id(), "loss"))
        .extracting(Metric::step)
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(tracking.get(r.id())).isEqualTo(r);
  }

  @Test
  void runFailsAndRethrowsTheSameException() {
    IllegalStateException boom = new IllegalStateException("boom");
    String[] id = new String[1];
    assertThatThrownBy(
            () ->
                tracking.run(
                    "churn",
                    "failing",
                    run -> {
                      id[0] = run.id();
                      run.metric("loss", 1);
                      throw boom;
                    }))
        .isSameAs(boom);
    Run r = tracking.get(id[0]);
    assertThat(r.status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.name()).isEqualTo("failing");
    assertThat(r.metrics()).containsEntry("loss", 1.0);

    IOException checked = new IOException("disk");
    assertThatThrownBy(
            () ->
                tracking.run(
                    "churn",
                    run -> {
                      throw checked;
                    }))
        .isInstanceOf(MlopsException.class)
        .hasCause(checked);
  }

  @Test
  void theParentRunIdTagMakesARunNestedAsInMlflow() {
    Run parent = tracking.run("cv", r -> r.metric("acc", 0.5));
    Run kid = tracking.run("cv", r -> r.tag("mlflow.parentRunId", parent.id()));
    assertThat(kid.parentId()).isEqualTo(parent.id());
    assertThat(tracking.get(kid.id()).parentId()).isEqualTo(parent.id());
  }

  @Test
  void manualRunsAndNestedRuns() {
    String parentId;
    Run child;
    try (ActiveRun parent = tracking.start("cv", "parent")) {
      parentId = parent.id();
      child = parent.child("fold-1", c -> c.metric("acc", 0.8));
      try (ActiveRun c2 = parent.startChild("fold-2")) {
        c2.metric("acc", 0.9);
      }
      assertThat(parent.snapshot().status()).isEqualTo(RunStatus.RUNNING);
    }
    assertThat(tracking.get(parentId).status()).isEqualTo(RunStatus.FINISHED);
    assertThat(child.parentId()).isEqualTo(parentId);
    assertThat(child.tags()).containsEntry("mlflow.parentRunId", parentId);
    assertThat(child.experimentId()).isEqualTo(tracking.get(parentId).experimentId());
    assertThat(
            tracking
                .search(RunQuery.in("cv").filter("tags.mlflow.parentRunId = '" + parentId + "'"))
                .items())
        .extracting(Run::name)
        .containsExactlyInAnyOrder("fold-1", "fold-2");
  }

  @Test
  void endIsIdempotentAndRejectsRunning() {
    ActiveRun run = tracking.start("e");
    run.end(RunStatus.KILLED);
    run.end(RunStatus.FINISHED);
    run.close();
    assertThat(tracking.get(run.id()).status()).isEqualTo(RunStatus.KILLED);
    assertThatThrownBy(() -> run.end(RunStatus.RUNNING)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void paramsAreImmutableThroughTheApi() {
    tracking.run(
        "e",
        run -> {
          run.param("lr", 0.01);
          run.param("lr", "0.01");
          assertThatThrownBy(() -> run.param("lr", 0.02))
              .isInstanceOf(ConflictException.class)
              .hasMessageContaining("0.01")
              .hasMessageContaining("0.02");
          assertThatThrownBy(() -> run.params(Map.of("a", 1, "lr", 3)))
              .isInstanceOf(ConflictException.class);
          assertThat(run.snapshot().params()).containsOnlyKeys("lr");
        });
  }

  @Test
  void keysAndValuesFollowMlflowLimits() {
    ActiveRun run = tracking.start("e");
    run.metric("a b/c-d_e.f", 1).param("x/y", "1").tag("t", "v".repeat(8000));
    for (String bad :
        new String[] {"", "/a", "a/../b", "..a", "a//b", "a/", "./a", "a@b", "k".repeat(251)}) {
      assertThatThrownBy(() -> run.metric(bad, 1))
          .as(bad)
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.param(bad, 1)).as(bad).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> run.tag(bad, "v")).as(bad).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> run.param("long", "v".repeat(6001)))
        .isInstanceOf(InvalidInputException.class);
    run.param("ok", "v".repeat(6000));
    assertThatThrownBy(() -> run.tag("t2", "v".repeat(8001)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> run.param("n", null)).isInstanceOf(InvalidInputException.class);
    run.close();
    Run r = tracking.get(run.id());
    assertThat(r.params()).containsOnlyKeys("x/y", "ok");
    assertThat(r.tags()).doesNotContainKey("t2");
  }

  @Test
  void nonFiniteMetricsRoundTrip() {
    Run r =
        tracking.run(
            "e",
            run ->
                run.metric("nan", Double.NaN)
                    .metric("inf", Double.POSITIVE_INFINITY)
                    .metric("ninf", Double.NEGATIVE_INFINITY)
                    .metric("nzero", -0.0));
    assertThat(r.metrics().get("nan")).isNaN();
    assertThat(r.metrics()).containsEntry("inf", Double.POSITIVE_INFINITY);
    assertThat(r.metrics()).containsEntry("ninf", Double.NEGATIVE_INFINITY);
    assertThat(Double.doubleToRawLongBits(r.metrics().get("nzero")))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(tracking.metricHistory(r.id(), "inf").get(0).value())
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void systemTagsAreCaptured() {
    Run r = tracking.run("e", run -> {});
    assertThat(r.tags())
        .containsEntry("mlflow.user", System.getProperty("user.name"))
        .containsEntry("mlflow.source.type", "LOCAL")
        .containsEntry("mlflow.source.name", TrackingTest.class.getName())
        .containsEntry("mlops.java.version", System.getProperty("java.version"))
        .containsKeys("mlops.host", "mlops.os", "mlflow.runName")
        .doesNotContainKey("mlflow.source.git.commit");
  }

  @Test
  void gitTagsAreCapturedInsideAWorkTree() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    org.junit.jupiter.api.Assumptions.assumeTrue(git(repo, "init", "-q", "-b", "main") == 0, "git");
    Files.writeString(repo.resolve("a.txt"), "a");
    git(repo, "add", "a.txt");
    assertThat(git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init"))
        .isZero();
    try (Mlops m = Mlops.open(repo.resolve(".mlops"))) {
      Run clean = m.tracking().run("e", run -> {});
      assertThat(clean.tags().get("mlflow.source.git.commit")).matches("[0-9a-f]{40}");
      assertThat(clean.tags()).containsEntry("mlflow.source.git.branch", "main");
      assertThat(clean.tags()).containsEntry("mlflow.source.git.dirty", "false");
    }
    Files.writeString(repo.resolve("a.txt"), "changed");
    try (Mlops m = Mlops.open(repo.resolve(".mlops"))) {
      assertThat(m.tracking().run("e", run -> {}).tags())
          .containsEntry("mlflow.source.git.dirty", "true");
    }
  }

  private static int git(Path dir, String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void artifactsAreCopiedListedAndDownloaded() throws IOException {
    Path model = Files.writeString(dir.resolve("model.bin"), "weights");
    Run r = tracking.run("e", run -> run.artifact(model).artifact(model, "backup/v1"));
    assertThat(r.artifactUri().toString()).contains(r.experimentId() + "/" + r.id());
    assertThat(Path.of(r.artifactUri()).resolve("model.bin")).hasContent("weights");
    assertThat(tracking.listArtifacts(r.id(), ""))
        .extracting(ArtifactInfo::path)
        .containsExactly("backup", "model.bin");
    Path out = tracking.downloadArtifacts(r.id(), "backup/v1/model.bin", dir.resolve("dl"));
    assertThat(out).hasContent("weights");
    ActiveRun run = tracking.start("e");
    assertThatThrownBy(() -> run.artifact(model, "../../x"))
        .isInstanceOf(InvalidInputException.class);
    run.close();
  }

  @Test
  void inputsRecordLineage() {
    DataVersion v = new DataVersion("data/train.csv", "5d41402abc4b2a76b9719d911017c592", 5, null);
    Run r = tracking.run("e", run -> run.input(v));
    assertThat(tracking.inputs(r.id())).containsExactly(v);
  }

  @Test
  void compareMarksDifferingKeys() {
    Run a = tracking.run("e", run -> run.param("lr", 0.1).param("seed", 1).metric("acc", 0.8));
    Run b =
        tracking.run(
            "e", run -> run.param("lr", 0.2).param("seed", 1).metric("acc", 0.8).metric("f1", 0.5));
    RunComparison c = tracking.compare(a.id(), b.id());
    assertThat(c.differs("params.lr")).isTrue();
    assertThat(c.differs("params.seed")).isFalse();
    assertThat(c.differs("metrics.acc")).isFalse();
    assertThat(c.differs("metrics.f1")).isTrue();
    assertThat(c.params().get("lr")).containsExactly("0.1", "0.2");
    assertThat(c.toTable()).contains("* params.lr");
    assertThatThrownBy(() -> tracking.compare(a.id(), "missing"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void experimentsCrudThroughTheApi() {
    Experiment e = tracking.createExperiment("exp");
    assertThatThrownBy(() -> tracking.createExperiment("exp"))
        .isInstanceOf(AlreadyExistsException.class);
    tracking.renameExperiment(e.id(), "exp2");
    assertThat(tracking.experiment("exp2")).isPresent();
    tracking.deleteExperiment(e.id());
    assertThat(tracking.experiments()).extracting(Experiment::id).doesNotContain(e.id());
    assertThat(tracking.experimentById(e.id()).deleted()).isTrue();
    Run r = tracking.run("exp2", run -> {});
    assertThat(r.experimentId()).isNotEqualTo(e.id());
    assertThatThrownBy(() -> tracking.restoreExperiment(e.id()))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> tracking.createExperiment(" "))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void searchFindsRunsAfterARestart() {
    Run r = tracking.run("churn", run -> run.metric("accuracy", 0.95).param("lr", "0.01"));
    tracking.run("churn", run -> run.metric("accuracy", 0.5).param("lr", "0.01"));
    mlops.close();
    mlops = Mlops.open(dir.resolve(".mlops"));
    tracking = mlops.tracking();
    Page<Run> p =
        tracking.search(
            RunQuery.in("churn")
                .filter("metrics.accuracy > 0.9 and params.lr = '0.01'")
                .orderBy("metrics.accuracy DESC")
                .limit(100));
    assertThat(p.items()).extracting(Run::id).containsExactly(r.id());
  }

  @Test
  void storesAreChosenByUriScheme() {
    assertThatThrownBy(
            () ->
                Mlops.builder()
                    .home(dir.resolve("h2"))
                    .trackingUri("postgresql://db.example/mlops")
                    .build()
                    .tracking())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("postgresql://db.example/mlops")
        .hasMessageContaining("sqlite:");
    assertThatThrownBy(
            () ->
                Mlops.builder()
                    .home(dir.resolve("h3"))
                    .artifactsUri("s3://bucket/path")
                    .build()
                    .tracking())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("s3://bucket/path")
        .hasMessageContaining("file:");
    Path other = dir.resolve("elsewhere/track.db");
    try (Mlops m = Mlops.builder().home(dir.resolve("h4")).trackingUri("sqlite:" + other).build()) {
      Run r = m.tracking().run("e", run -> run.metric("m", 1));
      assertThat(m.tracking().get(r.id()).metrics()).containsEntry("m", 1.0);
    }
    assertThat(other).exists();
  }

  @Test
  void theHomeStaysWritableForOtherConnectionsBetweenWrites() throws Exception {
    tracking.run("e", run -> run.metric("m", 1).param("p", 1));
    java.util.Properties p = new java.util.Properties();
    p.setProperty("busy_timeout", "2000");
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(".mlops/mlops.db"), p);
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE other_process (x INTEGER)");
      s.execute("INSERT INTO other_process VALUES (1)");
    }
    assertThat(tracking.run("e", run -> run.metric("m", 2)).status()).isEqualTo(RunStatus.FINISHED);
  }

  @Test
  void unknownRunsAreNotFound() {
    assertThatThrownBy(() -> tracking.get("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tracking.metricHistory("nope", "k"))
        .isInstanceOf(NotFoundException.class);
    assertThat(tracking.search(RunQuery.in("never")).items()).isEmpty();
    assertThat(List.of()).isEmpty();
  }
}
