package dev.mlops.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search behaviour checked against MLflow's source (mlflow/store/tracking/sqlalchemy_store.py
 * {@code _get_orderby_clauses}, mlflow/utils/search_utils.py {@code _get_value_for_sort} and {@code
 * parse_start_offset_from_page_token}) where the shipped vectors are silent.
 */
class SearchSemanticsTest {
  @TempDir Path dir;
  Mlops mlops;
  Tracking tracking;
  final Map<String, String> names = new HashMap<>();

  @BeforeEach
  void open() throws InterruptedException {
    mlops = Mlops.open(dir.resolve(".mlops"));
    tracking = mlops.tracking();
    // start times strictly increase: low, nan, high, none1, none2
    log("low", 0.2);
    log("nan", Double.NaN);
    log("high", 0.9);
    log("none1", null);
    log("none2", null);
  }

  private void log(String name, Double acc) throws InterruptedException {
    long before = System.currentTimeMillis();
    Run r =
        tracking.run(
            "e",
            name,
            run -> {
              run.param("group", "g");
              if (acc != null) {
                run.metric("acc", acc);
              }
            });
    names.put(r.id(), name);
    while (System.currentTimeMillis() <= before + 1) {
      Thread.sleep(1);
    }
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  private List<String> search(RunQuery q) {
    return tracking.search(q).items().stream()
        .map(r -> names.get(r.id()))
        .collect(Collectors.toList());
  }

  private List<String> allPages(RunQuery q, int limit) {
    List<String> out = new ArrayList<>();
    Page<Run> page = tracking.search(q.limit(limit));
    while (true) {
      page.items().forEach(r -> out.add(names.get(r.id())));
      if (page.nextPageToken().isEmpty()) {
        return out;
      }
      page = tracking.search(q.limit(limit).pageToken(page.nextPageToken().get()));
    }
  }

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {1, 2, 1000})
  void nanMetricsSortAfterValuesAndBeforeMissingKeysInBothDirections(int limit) {
    // MLflow: CASE is_nan THEN 1 WHEN value IS NULL THEN 2 ELSE 0 END, then the value; missing keys
    // tie-break on start_time DESC
    RunQuery q = RunQuery.in("e");
    assertThat(allPages(q.orderBy("metrics.acc"), limit))
        .containsExactly("low", "high", "nan", "none2", "none1");
    assertThat(allPages(q.orderBy("metrics.acc DESC"), limit))
        .containsExactly("high", "low", "nan", "none2", "none1");
    // as a second key too
    assertThat(allPages(q.orderBy("params.group", "metrics.acc DESC"), limit))
        .containsExactly("high", "low", "nan", "none2", "none1");
    assertThat(allPages(q.orderBy("params.group DESC", "metrics.acc"), limit))
        .containsExactly("low", "high", "nan", "none2", "none1");
  }

  @Test
  void aFieldOrderedTwiceIsRejectedAsMlflowsSqlStoreDoes() {
    for (String[] order :
        new String[][] {
          {"metrics.acc", "metrics.acc DESC"},
          {"attributes.start_time", "created DESC"},
          {"params.group", "parameter.`group`"}
        }) {
      assertThatThrownBy(() -> tracking.search(RunQuery.in("e").orderBy(order)))
          .as(String.join(", ", order))
          .isInstanceOf(InvalidFilterException.class)
          .hasMessageContaining("at most once");
    }
    assertThat(search(RunQuery.in("e").orderBy("metrics.acc", "params.acc", "tags.acc")))
        .containsExactly("low", "high", "nan", "none2", "none1");
  }

  @Test
  void anEmptyPageTokenIsTheFirstPage() {
    // MLflow: parse_start_offset_from_page_token returns 0 for a falsy token
    assertThat(search(RunQuery.in("e").limit(2).pageToken(""))).containsExactly("none2", "none1");
    assertThat(search(RunQuery.in("e").limit(2).pageToken(null))).containsExactly("none2", "none1");
  }

  @Test
  void datasetContextIsInTheGrammarAndNoRunHasOne() {
    for (String f :
        new String[] {
          "datasets.context = 'training'",
          "datasets.context != 'training'",
          "datasets.context IN ('training', 'test')",
          "dataset.context LIKE '%'"
        }) {
      assertThat(search(RunQuery.in("e").filter(f))).as(f).isEmpty();
    }
  }

  @Test
  void nullArgumentsOfAQueryAreInvalidInput() {
    RunQuery q = RunQuery.in("e");
    assertThatThrownBy(() -> q.filter(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("filter"));
    assertThatThrownBy(() -> q.orderBy("metrics.acc", null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("orderBy"));
    assertThatThrownBy(() -> q.orderBy((String[]) null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("orderBy"));
    assertThatThrownBy(() -> q.view(null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("view"));
    assertThatThrownBy(() -> RunQuery.in((String[]) null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("experiment"));
  }

  @Test
  void filterErrorsNameWhatWasFoundOnce() {
    assertThatThrownBy(() -> tracking.search(RunQuery.in("e").filter("AND metrics.acc > 0")))
        .isInstanceOf(InvalidFilterException.class)
        .hasMessageContaining("found 'AND' at position 0")
        .hasMessageNotContaining("but found");
  }
}
