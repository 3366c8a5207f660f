package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.monitoring.ColumnSummary;
import dev.mlops.monitoring.DataSummary;
import dev.mlops.monitoring.ExpectationResult;
import dev.mlops.monitoring.Expectations;
import dev.mlops.monitoring.QualityReport;
import dev.mlops.monitoring.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
