package dev.mlops.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.tracking.Experiment;
import dev.mlops.tracking.InvalidFilterException;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunStatus;
import dev.mlops.tracking.RunView;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link TrackingStore} passes (a TCK, as Micrometer has for its registries).
 * Extend it and implement {@link #openStore(Path)}; each test gets a fresh, empty store.
 */
public abstract class TrackingStoreContractTest {
  @TempDir protected Path dir;

  protected TrackingStore store;

  private long clock = 1_700_000_000_000L;

  /** Opens a store that keeps its data under {@code dir} (the same dir reopens the same data). */
  protected abstract TrackingStore openStore(Path dir);

  @BeforeEach
  void open() {
    store = openStore(dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Run newRun(String experiment) {
    return newRun(experiment, "run", null);
  }

  private Run newRun(String experiment, String name, String parent) {
    Experiment e = store.getOrCreateExperiment(experiment);
    return store.createRun(new NewRun(e.id(), name, parent, clock++, Map.of("mlflow.user", "u")));
  }

  private void metric(Run r, String key, double value, long step, long ts) {
    store.logMetrics(List.of(new RunMetric(r.id(), key, value, step, ts)));
  }

  // ------------------------------------------------------------ experiments

  @Test
  void experimentsAreCreatedFoundAndListed() {
    Experiment a = store.createExperiment("a");
    Experiment b = store.getOrCreateExperiment("b");
    assertThat(store.getOrCreateExperiment("a")).isEqualTo(a);
    assertThat(store.experimentByName("b")).contains(b);
    assertThat(store.experiment(a.id())).contains(a);
    assertThat(store.experiment("999999")).isEmpty();
    assertThat(store.experimentByName("nope")).isEmpty();
    assertThat(store.experiments(RunView.ACTIVE_ONLY))
        .extracting(Experiment::name)
        .contains("a", "b");
    assertThat(a.deleted()).isFalse();
    assertThat(a.artifactLocation().toString()).endsWith(a.id());
    assertThatThrownBy(() -> store.createExperiment("a"))
        .isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void experimentsAreRenamedDeletedAndRestoredAndDeletedNamesReused() {
    Experiment a = store.createExperiment("a");
    store.createExperiment("b");
    assertThatThrownBy(() -> store.renameExperiment(a.id(), "b"))
        .isInstanceOf(AlreadyExistsException.class);
    store.renameExperiment(a.id(), "a2");
    assertThat(store.experiment(a.id()).orElseThrow().name()).isEqualTo("a2");

    Run r = store.createRun(new NewRun(a.id(), "r", null, 1, Map.of()));
    store.deleteExperiment(a.id());
    assertThat(store.experiment(a.id()).orElseThrow().deleted()).isTrue();
    assertThat(store.experimentByName("a2")).isEmpty();
    assertThat(store.experiments(RunView.ACTIVE_ONLY))
        .extracting(Experiment::id)
        .doesNotContain(a.id());
    assertThat(store.experiments(RunView.DELETED_ONLY))
        .extracting(Experiment::id)
        .containsExactly(a.id());
    assertThat(store.searchRuns(RunQuery.all()).items()).extracting(Run::id).doesNotContain(r.id());
    assertThatThrownBy(() -> store.renameExperiment(a.id(), "zz"))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.createRun(new NewRun(a.id(), "x", null, 1, Map.of())))
        .isInstanceOf(InvalidInputException.class);

    Experiment reused = store.createExperiment("a2");
    assertThat(reused.id()).isNotEqualTo(a.id());
    assertThatThrownBy(() -> store.restoreExperiment(a.id())).isInstanceOf(ConflictException.class);
    store.renameExperiment(reused.id(), "a3");
    store.restoreExperiment(a.id());
    assertThat(store.experimentByName("a2").orElseThrow().id()).isEqualTo(a.id());
    assertThat(store.searchRuns(RunQuery.in("a2")).items())
        .extracting(Run::id)
        .containsExactly(r.id());
  }

  @Test
  void unknownExperimentsAreNotFound() {
    assertThatThrownBy(() -> store.deleteExperiment("424242"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.renameExperiment("x y", "n"))
        .isInstanceOf(NotFoundException.class);
  }

  // ------------------------------------------------------------ runs

  @Test
  void runsAreCreatedRunningWithNameTagsAndArtifactUri() {
    Run r = newRun("e", "first", null);
    assertThat(r.id()).matches("[0-9a-f]{32}");
    assertThat(r.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(r.name()).isEqualTo("first");
    assertThat(r.tags()).containsEntry("mlflow.runName", "first").containsEntry("mlflow.user", "u");
    assertThat(r.endTime()).isNull();
    assertThat(r.parentId()).isNull();
    Experiment e = store.experimentByName("e").orElseThrow();
    assertThat(r.experimentId()).isEqualTo(e.id());
    assertThat(r.artifactUri().toString())
        .startsWith(e.artifactLocation().toString())
        .contains(r.id());

    Run child = newRun("e", "child", r.id());
    assertThat(child.parentId()).isEqualTo(r.id());
    assertThat(child.tags()).containsEntry("mlflow.parentRunId", r.id());

    store.updateRunStatus(r.id(), RunStatus.FINISHED, 12345L);
    Run ended = store.run(r.id()).orElseThrow();
    assertThat(ended.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(ended.endTime().toEpochMilli()).isEqualTo(12345L);
    assertThat(store.run("0123456789abcdef0123456789abcdef")).isEmpty();
    assertThatThrownBy(() -> store.updateRunStatus("nope", RunStatus.FAILED, 1L))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void paramsAreImmutableAndBatchesAllOrNone() {
    Run r = newRun("e");
    store.logParams(r.id(), Map.of("lr", "0.01"));
    store.logParams(r.id(), Map.of("lr", "0.01"));
    assertThatThrownBy(() -> store.logParams(r.id(), Map.of("lr", "0.02")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("lr");
    Map<String, String> batch = new LinkedHashMap<>();
    batch.put("epochs", "10");
    batch.put("lr", "0.5");
    assertThatThrownBy(() -> store.logParams(r.id(), batch)).isInstanceOf(ConflictException.class);
    assertThat(store.run(r.id()).orElseThrow().params()).containsExactly(Map.entry("lr", "0.01"));
    assertThatThrownBy(() -> store.logParams("nope", Map.of("a", "b")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void tagsAreLastWriteWins() {
    Run r = newRun("e");
    store.setTags(r.id(), Map.of("team", "a"));
    store.setTags(r.id(), Map.of("team", "b"));
    assertThat(store.run(r.id()).orElseThrow().tags()).containsEntry("team", "b");
  }

  @Test
  void nonFiniteValuesRoundTripExactly() {
    Run r = newRun("e");
    double[] values = {
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      -0.0,
      0.0,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      1e-320,
      0.1
    };
    List<RunMetric> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      points.add(new RunMetric(r.id(), "k" + i, values[i], 0, 1));
      points.add(new RunMetric(r.id(), "all", values[i], i, 1));
    }
    store.logMetrics(points);
    Map<String, Double> latest = store.run(r.id()).orElseThrow().metrics();
    for (int i = 0; i < values.length; i++) {
      assertThat(Double.doubleToLongBits(latest.get("k" + i)))
          .as("latest k%d = %s", i, values[i])
          .isEqualTo(Double.doubleToLongBits(values[i]));
    }
    List<Metric> history = store.metricHistory(r.id(), "all");
    assertThat(history).hasSize(values.length);
    for (int i = 0; i < values.length; i++) {
      assertThat(Double.doubleToLongBits(history.get(i).value()))
          .as("history %d = %s", i, values[i])
          .isEqualTo(Double.doubleToLongBits(values[i]));
    }
  }

  @Test
  void historyIsOrderedByStepThenTimestampAndDuplicatesDropped() {
    Run r = newRun("e");
    metric(r, "loss", 3, 2, 10);
    metric(r, "loss", 1, 0, 50);
    metric(r, "loss", 2, 1, 5);
    metric(r, "loss", 4, 1, 7);
    metric(r, "loss", 4, 1, 7);
    assertThat(store.metricHistory(r.id(), "loss"))
        .containsExactly(
            new Metric("loss", 1, 0, 50),
            new Metric("loss", 2, 1, 5),
            new Metric("loss", 4, 1, 7),
            new Metric("loss", 3, 2, 10));
    assertThat(store.metricHistory(r.id(), "missing")).isEmpty();
    assertThatThrownBy(() -> store.metricHistory("nope", "loss"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void latestValueFollowsMlflowRule() {
    Run r = newRun("e");
    metric(r, "a", 1, 2, 1);
    metric(r, "a", 9, 1, 99); // lower step, newer: not latest
    metric(r, "b", 1, 1, 5);
    metric(r, "b", 2, 1, 6); // same step, newer timestamp wins
    metric(r, "b", 0, 1, 4);
    metric(r, "c", 1, 1, 5);
    metric(r, "c", 7, 1, 5); // same step and time: larger value wins
    metric(r, "c", 3, 1, 5);
    store.logMetrics(
        List.of(
            new RunMetric(r.id(), "d", 5, 3, 1),
            new RunMetric(r.id(), "d", 6, 2, 9),
            new RunMetric(r.id(), "d", 1, 3, 0)));
    assertThat(store.run(r.id()).orElseThrow().metrics())
        .containsEntry("a", 1.0)
        .containsEntry("b", 2.0)
        .containsEntry("c", 7.0)
        .containsEntry("d", 5.0);
  }

  @Test
  void inputsAreRecordedInOrderWithoutDuplicates() {
    Run r = newRun("e");
    DataVersion file =
        new DataVersion("data/train.csv", "d41d8cd98f00b204e9800998ecf8427e", 0, null);
    DataVersion folder =
        new DataVersion("data/images", "0123456789abcdef0123456789abcdef.dir", 42, 3);
    store.logInputs(r.id(), List.of(file));
    store.logInputs(r.id(), List.of(folder, file));
    assertThat(store.inputs(r.id())).containsExactly(file, folder);
    assertThat(
            store
                .searchRuns(RunQuery.in("e").filter("datasets.digest = '" + file.md5() + "'"))
                .items())
        .extracting(Run::id)
        .containsExactly(r.id());
  }

  @Test
  void runsAreSoftDeletedAndRestored() {
    Run r = newRun("e");
    store.deleteRun(r.id());
    assertThat(store.run(r.id())).isPresent();
    assertThat(store.searchRuns(RunQuery.in("e")).items()).isEmpty();
    assertThat(store.searchRuns(RunQuery.in("e").view(RunView.DELETED_ONLY)).items())
        .extracting(Run::id)
        .containsExactly(r.id());
    assertThatThrownBy(() -> store.logParams(r.id(), Map.of("a", "1")))
        .isInstanceOf(InvalidInputException.class);
    store.restoreRun(r.id());
    assertThat(store.searchRuns(RunQuery.in("e")).items())
        .extracting(Run::id)
        .containsExactly(r.id());
  }

  @Test
  void dataSurvivesReopening() {
    Run r = newRun("e");
    store.logParams(r.id(), Map.of("p", "1"));
    metric(r, "m", Double.POSITIVE_INFINITY, 0, 1);
    store.close();
    store = openStore(dir);
    Run again = store.run(r.id()).orElseThrow();
    assertThat(again.params()).containsEntry("p", "1");
    assertThat(again.metrics()).containsEntry("m", Double.POSITIVE_INFINITY);
  }

  // ------------------------------------------------------------ search

  private List<Run> seedSearchRuns() {
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Run r = newRun("s", "run-" + i, null);
      store.logParams(r.id(), Map.of("lr", i % 2 == 0 ? "0.01" : "0.1", "model", "m" + i));
      store.setTags(r.id(), Map.of("team", i < 3 ? "growth" : "Growth-2"));
      if (i != 5) {
        metric(r, "acc", 0.5 + i * 0.1, 0, 1);
      }
      metric(r, "loss", 1.0 / (i + 1), 0, 1);
      runs.add(store.run(r.id()).orElseThrow());
    }
    newRun("other");
    return runs;
  }

  private List<String> names(RunQuery q) {
    return store.searchRuns(q).items().stream().map(Run::name).collect(Collectors.toList());
  }

  @Test
  void searchFiltersByMetricsParamsTagsAndAttributes() {
    List<Run> runs = seedSearchRuns();
    assertThat(names(RunQuery.in("s").filter("metrics.acc > 0.75").orderBy("metrics.acc")))
        .containsExactly("run-3", "run-4");
    assertThat(names(RunQuery.in("s").filter("metrics.acc >= 0.7 and params.lr = '0.01'")))
        .containsExactly("run-4", "run-2");
    assertThat(names(RunQuery.in("s").filter("params.lr != '0.01'").orderBy("attributes.run_name")))
        .containsExactly("run-1", "run-3", "run-5");
    assertThat(names(RunQuery.in("s").filter("tags.team LIKE 'growth%'"))).hasSize(3);
    assertThat(names(RunQuery.in("s").filter("tags.team ILIKE 'growth%'"))).hasSize(6);
    assertThat(names(RunQuery.in("s").filter("attributes.run_name = 'run-2'")))
        .containsExactly("run-2");
    assertThat(names(RunQuery.in("s").filter("run_name LIKE 'run-_'"))).hasSize(6);
    assertThat(
            names(
                RunQuery.in("s")
                    .filter(
                        "attributes.run_id IN ('"
                            + runs.get(0).id()
                            + "', '"
                            + runs.get(1).id()
                            + "')")
                    .orderBy("run_name DESC")))
        .containsExactly("run-1", "run-0");
    assertThat(names(RunQuery.in("s").filter("attributes.status = 'RUNNING'"))).hasSize(6);
    assertThat(names(RunQuery.in("s").filter("metrics.missing > 0"))).isEmpty();
    assertThat(names(RunQuery.in("s").filter("attributes.start_time > 0"))).hasSize(6);
    assertThat(names(RunQuery.in("s", "other"))).hasSize(7);
    assertThat(names(RunQuery.all())).hasSize(7);
    assertThat(names(RunQuery.in("nothing-here"))).isEmpty();
  }

  @Test
  void searchOrdersByMetricWithMissingLastAndSeveralKeys() {
    seedSearchRuns();
    assertThat(names(RunQuery.in("s").orderBy("metrics.acc DESC")))
        .containsExactly("run-4", "run-3", "run-2", "run-1", "run-0", "run-5");
    assertThat(names(RunQuery.in("s").orderBy("metrics.acc ASC")))
        .containsExactly("run-0", "run-1", "run-2", "run-3", "run-4", "run-5");
    assertThat(names(RunQuery.in("s").orderBy("params.lr DESC", "metrics.loss ASC")))
        .containsExactly("run-5", "run-3", "run-1", "run-4", "run-2", "run-0");
  }

  @Test
  void searchPagesWithTokens() {
    seedSearchRuns();
    Set<String> seen = new HashSet<>();
    RunQuery q = RunQuery.in("s").orderBy("metrics.loss").limit(4);
    Page<Run> page = store.searchRuns(q);
    assertThat(page.items()).hasSize(4);
    page.items().forEach(r -> seen.add(r.id()));
    assertThat(page.nextPageToken()).isPresent();
    Page<Run> second = store.searchRuns(q.pageToken(page.nextPageToken().get()));
    assertThat(second.items()).hasSize(2);
    second.items().forEach(r -> seen.add(r.id()));
    assertThat(second.nextPageToken()).isEmpty();
    assertThat(seen).hasSize(6);
    assertThatThrownBy(() -> store.searchRuns(q.pageToken("garbage!")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("pageToken");
    String token = page.nextPageToken().get();
    assertThatThrownBy(() -> store.searchRuns(RunQuery.in("s").limit(4).pageToken(token)))
        .isInstanceOf(InvalidInputException.class);
    assertThat(store.searchRuns(q.limit(10).pageToken(token)).items()).hasSize(2);
  }

  @Test
  void invalidFiltersPointAtTheError() {
    seedSearchRuns();
    assertThatThrownBy(() -> store.searchRuns(RunQuery.in("s").filter("metrics.acc > 'x'")))
        .isInstanceOfSatisfying(
            InvalidFilterException.class, e -> assertThat(e.position()).isEqualTo(14));
    assertThatThrownBy(() -> store.searchRuns(RunQuery.in("s").filter("params.lr = 0.1")))
        .isInstanceOf(InvalidFilterException.class);
    assertThatThrownBy(
            () -> store.searchRuns(RunQuery.in("s").filter("metrics.a > 1 or metrics.b > 1")))
        .isInstanceOfSatisfying(
            InvalidFilterException.class, e -> assertThat(e.position()).isEqualTo(14));
    assertThatThrownBy(() -> store.searchRuns(RunQuery.in("s").orderBy("metrics.acc SIDEWAYS")))
        .isInstanceOf(InvalidFilterException.class);
  }

  @Test
  void injectionAttemptsAreMatchedLiterally() {
    Run r = newRun("inj");
    String evil = "x' OR '1'='1";
    store.logParams(r.id(), Map.of("p", evil));
    newRun("inj");
    assertThat(store.searchRuns(RunQuery.in("inj").filter("params.p = 'x'' OR ''1''=''1'")).items())
        .extracting(Run::id)
        .containsExactly(r.id());
    assertThat(store.searchRuns(RunQuery.in("inj").filter("params.p = 'y'' OR ''1''=''1'")).items())
        .isEmpty();
    assertThat(
            store
                .searchRuns(RunQuery.in("inj").filter("params.`p; DROP TABLE runs` = 'a'"))
                .items())
        .isEmpty();
    assertThat(store.searchRuns(RunQuery.in("inj'; DROP TABLE runs; --")).items()).isEmpty();
    assertThat(store.run(r.id())).isPresent();
  }
}
