package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.ColumnType;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.Binning;
import dev.mlops.monitoring.stats.DistributionStats;
import dev.mlops.monitoring.stats.NumericStats;
import dev.mlops.monitoring.stats.Sorted;
import dev.mlops.monitoring.stats.StatResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every value of the reference vectors (copied from shared/reference/drift, unmodified). */
class DriftVectorsTest {
  static final Path ROOT = root();
  static final JsonNode EXPECTED = load();

  static Path root() {
    try {
      return Path.of(DriftVectorsTest.class.getResource("/drift-reference/expected.json").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode load() {
    try (InputStream in =
        DriftVectorsTest.class.getResourceAsStream("/drift-reference/expected.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : EXPECTED.get("cases")) {
      out.add(Arguments.of(c.get("name").asText(), c));
    }
    return out.stream();
  }

  static Table read(JsonNode c, String side) {
    return Table.readCsv(ROOT.resolve(c.get("files").get(side).asText()));
  }

  static double num(JsonNode n) {
    return Json.number(n);
  }

  static void close(String what, double actual, JsonNode expected, double rel) {
    double e = num(expected);
    if (Double.isInfinite(e) || Double.isNaN(e)) {
      assertThat(actual).as(what).isEqualTo(e);
      return;
    }
    double tol = Math.max(rel * Math.abs(e), 1e-12);
    assertThat(actual)
        .as(what + " expected " + e)
        .isCloseTo(e, org.assertj.core.data.Offset.offset(tol));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyStatisticMatches(String name, JsonNode c) {
    Table ref = read(c, "reference");
    Table cur = read(c, "current");
    boolean numeric = c.get("column_type").asText().equals("numerical");
    assertThat(ref.type("value")).isEqualTo(numeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL);
    JsonNode stats = c.get("stats");
    Map<String, String> methodOf = new HashMap<>();
    methodOf.put("psi", "psi");
    methodOf.put("kl_div", "kl_div");
    methodOf.put("jensenshannon", "jensenshannon");
    methodOf.put("chisquare", "chisquare");
    methodOf.put("hellinger", "hellinger");
    methodOf.put("ks", "ks");
    methodOf.put("wasserstein", "wasserstein");
    methodOf.put("energy_distance", "energy_dist");
    methodOf.put("anderson_darling", "anderson");
    methodOf.put("cramer_von_mises", "cramer_von_mises");
    methodOf.put("t_test", "t_test");
    methodOf.put("z", "z");
    methodOf.put("fisher_exact", "fisher_exact");
    methodOf.put("tvd", "TVD");
    int checked = 0;
    for (Map.Entry<String, String> e : methodOf.entrySet()) {
      JsonNode s = stats.get(e.getKey());
      if (s == null) {
        continue;
      }
      DriftReport d =
          DriftEngine.drift(ref, cur, DriftOptions.defaults().method("value", e.getValue()));
      ColumnDrift col = d.column("value");
      assertThat(col.computed()).as(name + " " + e.getKey() + " " + col.reason()).isTrue();
      String what = name + " " + e.getKey();
      double rel = e.getKey().equals("anderson_darling") ? 1e-6 : 1e-9;
      if (e.getKey().equals("tvd")) {
        close(what + " statistic", col.statistic(), s.get("value"), 1e-9);
      } else {
        close(what + " value", col.driftScore(), s.get("value"), rel);
      }
      if (s.has("statistic") && !e.getKey().equals("fisher_exact")) {
        close(what + " statistic", col.statistic(), s.get("statistic"), 1e-9);
      }
      if (e.getKey().equals("fisher_exact")) {
        close(what + " odds ratio", col.statistic(), s.get("odds_ratio"), 1e-9);
      }
      if (e.getKey().equals("cramer_von_mises")) {
        assertThat(Math.abs(col.pValue() - num(s.get("p_value")))).as(what).isLessThan(1e-7);
      }
      if (s.has("drift_detected") && !s.get("drift_detected").isNull()) {
        assertThat(col.drifted())
            .as(what + " verdict")
            .isEqualTo(s.get("drift_detected").asBoolean());
      }
      if (s.has("evidently_threshold") && !s.get("evidently_threshold").isNull()) {
        assertThat(col.threshold())
            .as(what + " threshold")
            .isEqualTo(s.get("evidently_threshold").asDouble());
      }
      checked++;
    }
    assertThat(checked).isEqualTo(stats.size() - 1); // all but chi2_contingency_2xk (not Evidently)
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void evidentlyDefaultMatches(String name, JsonNode c) {
    DriftReport d =
        DriftEngine.drift(read(c, "reference"), read(c, "current"), DriftOptions.defaults());
    JsonNode def = c.get("evidently_default");
    ColumnDrift col = d.column("value");
    assertThat(col.method()).isEqualTo(def.get("method").asText());
    close(name + " default score", col.driftScore(), def.get("drift_score"), 1e-9);
    assertThat(col.threshold()).isEqualTo(def.get("evidently_threshold").asDouble());
    assertThat(col.drifted()).isEqualTo(def.get("drift_detected").asBoolean());
    assertThat(d.datasetDrift()).isEqualTo(col.drifted());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void binningMatches(String name, JsonNode c) {
    Table ref = read(c, "reference");
    Table cur = read(c, "current");
    JsonNode bin = c.get("binning");
    Binned b;
    if (ref.type("value") == ColumnType.NUMERIC) {
      b =
          Binning.numeric(
              Sorted.cleanSorted(ref.numeric("value")), Sorted.cleanSorted(cur.numeric("value")));
    } else {
      b = Binning.categorical(counts(ref), counts(cur));
    }
    assertThat(b.size()).isEqualTo(bin.get("n_bins").asInt());
    for (int i = 0; i < b.size(); i++) {
      assertThat(b.refCounts()[i])
          .as(name + " ref count " + i)
          .isEqualTo(bin.get("reference_counts").get(i).asLong());
      assertThat(b.curCounts()[i])
          .as(name + " cur count " + i)
          .isEqualTo(bin.get("current_counts").get(i).asLong());
    }
    if (!bin.get("bin_edges").isNull()) {
      for (int i = 0; i < b.edges().length; i++) {
        assertThat(b.edges()[i])
            .as(name + " edge " + i)
            .isEqualTo(bin.get("bin_edges").get(i).asDouble());
      }
    }
    double[] filled = Binning.fillZeros(b.refPercents());
    for (int i = 0; i < filled.length; i++) {
      close(name + " filled " + i, filled[i], bin.get("reference_percents_filled").get(i), 1e-12);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void summaryMatches(String name, JsonNode c) {
    for (String side : new String[] {"reference", "current"}) {
      Table t = read(c, side);
      dev.mlops.monitoring.ColumnSummary s = SummaryEngine.summary(t).column("value");
      JsonNode e = c.get("summary").get(side);
      assertThat(s.rows()).isEqualTo(e.get("rows").asLong());
      assertThat(s.missingCount()).isEqualTo(e.get("missing_count").asLong());
      assertThat(s.count()).isEqualTo(e.get("count").asLong());
      assertThat(s.distinctCount()).isEqualTo(e.get("unique_count").asLong());
      close(name + " missing share", s.missingShare(), e.get("missing_share"), 1e-12);
      if (e.get("most_common").isNull()) {
        assertThat(s.mostCommon()).isEmpty();
      } else {
        JsonNode mc = e.get("most_common");
        assertThat(s.mostCommon().get(0).count()).isEqualTo(mc.get("count").asLong());
        String v =
            mc.get("value").isNumber()
                ? Table.formatNumber(mc.get("value").asDouble())
                : mc.get("value").asText();
        assertThat(s.mostCommon().get(0).value()).isEqualTo(v);
        close(name + " mc share", s.mostCommon().get(0).share(), mc.get("share_of_rows"), 1e-12);
      }
      if (e.has("min")) {
        close(name + " min", s.min(), e.get("min"), 1e-12);
        close(name + " max", s.max(), e.get("max"), 1e-12);
        close(name + " mean", s.mean(), e.get("mean"), 1e-9);
        close(name + " std", s.std(), e.get("std_sample_ddof1"), 1e-9);
        close(name + " p25", s.p25(), e.get("p25"), 1e-12);
        close(name + " p50", s.p50(), e.get("p50"), 1e-12);
        close(name + " p75", s.p75(), e.get("p75"), 1e-12);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void ksAlternativePValuesAndWassersteinRawMatch() {
    JsonNode c = EXPECTED.get("cases").get(1);
    double[] r = Sorted.cleanSorted(read(c, "reference").numeric("value"));
    double[] k = Sorted.cleanSorted(read(c, "current").numeric("value"));
    close(
        "raw wasserstein",
        NumericStats.wasserstein(r, k),
        c.get("stats").get("wasserstein").get("raw_distance"),
        1e-9);
    StatResult ks = NumericStats.ks(r, k);
    close("ks", ks.pValue(), c.get("stats").get("ks").get("p_value"), 1e-9);
    close(
        "hellinger",
        NumericStats.hellinger(r, k),
        c.get("stats").get("hellinger").get("value"),
        1e-9);
    Binned b = Binning.valueBins(r, k);
    close(
        "js",
        DistributionStats.jensenShannon(b),
        c.get("stats").get("jensenshannon").get("value"),
        1e-9);
  }

  static Map<String, Long> counts(Table t) {
    Map<String, Long> m = new HashMap<>();
    for (String v : t.strings("value")) {
      if (v != null) {
        m.merge(v, 1L, Long::sum);
      }
    }
    return m;
  }
}
