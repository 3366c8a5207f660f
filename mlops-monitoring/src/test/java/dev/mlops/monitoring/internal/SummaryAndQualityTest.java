package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.InvalidInputException;
import dev.mlops.monitoring.ColumnSummary;
import dev.mlops.monitoring.DataSummary;
import dev.mlops.monitoring.ExpectationResult;
import dev.mlops.monitoring.Expectations;
import dev.mlops.monitoring.QualityReport;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.ValueCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SummaryAndQualityTest {
  @TempDir Path dir;

  final Table table =
      Table.builder()
          .numeric("age", new double[] {30, 41, Double.NaN, 130, 30, Double.POSITIVE_INFINITY})
          .categorical("plan", Arrays.asList("free", "pro", "gold", null, "free", "free"))
          .categorical("email", Arrays.asList("a@x.io", "bad", "c@x.io", "d@x.io", "e@x", "f@x.io"))
          .categorical("id", Arrays.asList("1", "2", "3", "3", "4", "1"))
          .build();

  @Test
  void summaryCountsMissingInfiniteAndMostCommon() {
    DataSummary s = SummaryEngine.summary(table);
    ColumnSummary age = s.column("age");
    assertThat(age.rows()).isEqualTo(6);
    assertThat(age.missingCount()).isEqualTo(1);
    assertThat(age.count()).isEqualTo(5);
    assertThat(age.infiniteCount()).isEqualTo(1);
    assertThat(age.min()).isEqualTo(30);
    assertThat(age.max()).isEqualTo(130);
    assertThat(age.mean()).isEqualTo((30 + 41 + 130 + 30) / 4.0);
    assertThat(age.p50()).isEqualTo(35.5);
    assertThat(age.mostCommon().get(0).value()).isEqualTo("30");
    assertThat(age.mostCommon().get(0).count()).isEqualTo(2);
    ColumnSummary plan = s.column("plan");
    assertThat(plan.distinctCount()).isEqualTo(3);
    assertThat(plan.mostCommon().get(0).value()).isEqualTo("free");
    assertThat(plan.mostCommon().get(0).share()).isEqualTo(0.5);
    assertThat(plan.mean()).isNaN();
    JsonNode json = Json.read(s.toJson());
    assertThat(json.get("schema").asText()).isEqualTo("mlops.monitoring.summary/v1");
    assertThat(json.get("columns").get(0).get("missing_count").asInt()).isEqualTo(1);
  }

  @Test
  void qualityReportsEachViolationWithExamples() throws Exception {
    QualityReport q =
        QualityEngine.check(
            table,
            Expectations.builder()
                .notNull("plan")
                .range("age", 0, 120)
                .allowedValues("plan", Set.of("free", "pro"))
                .regex("email", "[^@]+@[^@]+\\.[a-z]+")
                .unique("id")
                .rowCount(1, 5)
                .notNull("missing_column")
                .notNull("email")
                .build());
    assertThat(q.passed()).isFalse();
    List<ExpectationResult> r = q.results();
    assertThat(r).hasSize(8);
    assertThat(r.get(0).failures()).isEqualTo(1);
    assertThat(r.get(0).examples()).containsExactly("row 3: null");
    assertThat(r.get(1).failures()).isEqualTo(2); // 130 and +inf
    assertThat(r.get(1).examples()).containsExactly("row 3: 130", "row 5: Infinity");
    assertThat(r.get(2).examples()).containsExactly("row 2: gold");
    assertThat(r.get(3).examples()).containsExactly("row 1: bad", "row 4: e@x");
    assertThat(r.get(4).failures()).isEqualTo(2);
    assertThat(r.get(4).examples().get(0)).isEqualTo("row 3: 3 (first at row 2)");
    assertThat(r.get(5).passed()).isFalse();
    assertThat(r.get(6).passed()).isFalse();
    assertThat(r.get(7).passed()).isTrue();
    assertThat(q.violations()).hasSize(7);
    JsonNode json = Json.read(q.toJson());
    assertThat(json.get("passed").asBoolean()).isFalse();
    assertThat(json.get("expectations").get(1).get("examples").size()).isEqualTo(2);
    Path html = dir.resolve("q.html");
    q.writeHtml(html);
    assertThat(Files.readString(html))
        .contains("row 1: bad")
        .doesNotContain("src=\"http", "href=\"http");
  }

  /**
   * x_i = ((i * 7919) mod 23) / 4 - 2, missing when i mod 11 == 0. Expected values from numpy 1.24
   * (mean, std(ddof=1), quantile) and collections.Counter sorted by (-count, value): {@code f =
   * x[~isnan(x)]; f.mean(), f.std(ddof=1), np.quantile(f, [.25, .5, .75])}.
   */
  @ParameterizedTest(name = "n={0}")
  @CsvSource({
    "2, 1, -0.25, NaN, -0.25, -0.25, -0.25, 1, ''",
    "3, 2, 0.625, 1.2374368670764582, 0.1875, 0.625, 1.0625, 2, ''",
    "7, 6, 1.25, 1.5890248582070703, 0.0625, 1.25, 2.4375, 6, ''",
    "50, 45, 0.8555555555555555, 1.6867539503107407, -0.5, 1.0, 2.25, 23,"
        + " -0.25:3 1.5:3 3.25:3 -2:2 -1.5:2",
    "101, 91, 0.7994505494505495, 1.6596601811732175, -0.625, 0.75, 2.25, 23,"
        + " -0.75:5 -0.25:5 1:5 1.5:5 2.75:5"
  })
  void numericSummaryMatchesNumpy(
      int n,
      long count,
      double mean,
      double std,
      double p25,
      double p50,
      double p75,
      long distinct,
      String mostCommon) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 11 == 0 ? Double.NaN : ((i * 7919L) % 23) / 4.0 - 2;
    }
    ColumnSummary c = SummaryEngine.summary(Table.builder().numeric("x", x).build()).column("x");
    String at = "n=" + n;
    assertThat(c.count()).as(at).isEqualTo(count);
    assertThat(c.missingCount()).as(at).isEqualTo(n - count);
    assertThat(c.mean()).as(at).isCloseTo(mean, within(1e-12));
    if (Double.isNaN(std)) {
      assertThat(c.std()).as(at).isNaN();
    } else {
      assertThat(c.std()).as(at).isCloseTo(std, within(1e-12));
    }
    assertThat(c.p25()).as(at).isEqualTo(p25);
    assertThat(c.p50()).as(at).isEqualTo(p50);
    assertThat(c.p75()).as(at).isEqualTo(p75);
    assertThat(c.distinctCount()).as(at).isEqualTo(distinct);
    assertThat(
            String.join(
                " ", c.mostCommon().stream().map(v -> v.value() + ":" + v.count()).toList()))
        .as(at)
        .isEqualTo(mostCommon);
  }

  @Test
  void allMissingAndSingleValueColumns() {
    double nan = Double.NaN;
    DataSummary s =
        SummaryEngine.summary(
            Table.builder()
                .numeric("none", new double[] {nan, nan, nan})
                .numeric("one", new double[] {nan, 5, nan})
                .categorical("cat", Arrays.asList(null, null, null))
                .build());
    ColumnSummary none = s.column("none");
    assertThat(none.count()).isZero();
    assertThat(none.missingShare()).isEqualTo(1.0);
    assertThat(none.min()).isNaN();
    assertThat(none.p50()).isNaN();
    assertThat(none.distinctCount()).isZero();
    assertThat(none.mostCommon()).isEmpty();
    ColumnSummary one = s.column("one");
    assertThat(one.std()).isNaN(); // pandas: std of one value (ddof = 1) is NaN
    assertThat(one.p25()).isEqualTo(5.0);
    assertThat(one.p75()).isEqualTo(5.0);
    assertThat(one.mostCommon()).isEmpty(); // every value unique
    assertThat(s.column("cat").distinctCount()).isZero();
  }

  @Test
  void mostCommonTiesBreakBySmallestCodePointAsPythonDoes() {
    // U+FF01 (fullwidth '!') < U+1F600 (emoji) by code point; String.compareTo says otherwise,
    // because the emoji's first UTF-16 unit is a surrogate (0xD83D). Python: sorted(...) agrees.
    String fullwidth = "\uFF01";
    String emoji = "\uD83D\uDE00";
    ColumnSummary c =
        SummaryEngine.summary(
                Table.builder()
                    .categorical(
                        "u", Arrays.asList(emoji, fullwidth, emoji, fullwidth, "\u00e9", null))
                    .build())
            .column("u");
    assertThat(c.mostCommon())
        .extracting(ValueCount::value)
        .containsExactly(fullwidth, emoji, "\u00e9");
    assertThat(c.mostCommon().get(0).share()).isEqualTo(2 / 6.0);
    assertThat(c.missingCount()).isEqualTo(1);
    assertThat(dev.mlops.spi.PythonText.compareCodePoints("a", "ab")).isNegative();
    assertThat(dev.mlops.spi.PythonText.compareCodePoints(emoji, emoji)).isZero();
  }

  @Test
  void allowedValuesWithANullIsRejectedNamingTheArgument() {
    Set<String> withNull = new HashSet<>(Arrays.asList("free", null));
    assertThatThrownBy(() -> Expectations.builder().allowedValues("plan", withNull))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("allowedValues")
        .hasMessageContaining("null");
  }
}
