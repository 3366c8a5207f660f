package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.Table;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drift statistics against scipy 1.10.1 / Evidently on inputs outside the reference vectors: K-S
 * above 10,000 rows, empirical MMD's statistic, and tiny or constant samples where scipy gives a
 * number or refuses.
 */
class ScipyEdgeCasesTest {

  /** A Weyl sequence ((i·a) mod 1)·scale + offset, reproducible bit for bit in Python. */
  static double[] weyl(int n, double a, double scale, double offset) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * a) % 1.0) * scale + offset;
    }
    return v;
  }

  static ColumnDrift drift(double[] ref, double[] cur, String method) {
    return DriftEngine.drift(
            Table.builder().numeric("x", ref).build(),
            Table.builder().numeric("x", cur).build(),
            DriftOptions.defaults().method("x", method))
        .column("x");
  }

  /**
   * Expected: {@code scipy.stats.ks_2samp(r, c)} on the same Weyl sequences (a = 0.6180339887498949
   * for reference, scale 1, offset 0; a = 0.7548776662466927, scale 0.9, offset 0.05 + shift for
   * current). Above 10,000 rows scipy uses kstwo.sf(D, round(en)); the old Commons Math 1 - cdf
   * gave p about 1e-12 for the second row, where scipy says 1.4e-16.
   */
  @ParameterizedTest(name = "n1={0} n2={1} shift={2}")
  @CsvSource({
    "12000, 9000, 0.0, 0.05016666666666667, 1.0920062193022221e-11",
    "12000, 9000, 0.01, 0.060055555555555556, 1.4448948500897371e-16",
    "30000, 150, 0.0, 0.057466666666666666, 0.6868299246842022",
    "10001, 10001, 0.002, 0.052094790520947905, 3.1128990883975153e-12"
  })
  void ksAboveTenThousandRowsMatchesScipy(
      int n1, int n2, double shift, double statistic, double pValue) {
    ColumnDrift d =
        drift(
            weyl(n1, 0.6180339887498949, 1.0, 0.0),
            weyl(n2, 0.7548776662466927, 0.9, 0.05 + shift),
            "ks");
    assertThat(d.statistic()).isCloseTo(statistic, within(1e-12));
    assertThat(d.pValue()).isCloseTo(pValue, within(1e-9 * pValue));
  }

  /**
   * Expected: Evidently's {@code mmd_2samp} without permutation (kernel in float64) on the same
   * data, computed with numpy; the statistic was summed in float32 before (0.2% off on 900 vs 600
   * integers).
   */
  @Test
  void empiricalMmdStatisticIsEvidentlysInDoublePrecision() {
    double[] ref = weyl(300, 0.6180339887498949, 1.0, 0.0);
    double[] cur = weyl(200, 0.7548776662466927, 0.9, 0.1);
    ColumnDrift d = drift(ref, cur, "empirical_mmd");
    assertThat(d.statistic()).isCloseTo(MMD_300_200, within(1e-12 + 1e-9 * Math.abs(MMD_300_200)));
    double[] ints = new double[900];
    double[] ints2 = new double[600];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = (i * 7) % 4;
    }
    for (int i = 0; i < ints2.length; i++) {
      ints2[i] = (i * 3) % 5 == 4 ? 3 : (i * 3) % 5;
    }
    ColumnDrift d2 = drift(ints, ints2, "empirical_mmd");
    assertThat(d2.statistic()).isCloseTo(MMD_INTS, within(1e-12 + 1e-9 * Math.abs(MMD_INTS)));
  }

  static final double MMD_300_200 = 0.004725820073298581;
  static final double MMD_INTS = 0.026301797099703927;

  @Test
  void mannWhitneyOnAllTiedValuesHasPOneAsScipy() {
    double[] r = new double[30];
    double[] c = new double[20];
    Arrays.fill(r, 5);
    Arrays.fill(c, 5);
    ColumnDrift d = drift(r, c, "mannw");
    assertThat(d.computed()).isTrue();
    assertThat(d.pValue()).isEqualTo(1.0);
    assertThat(d.drifted()).isFalse();
  }

  @Test
  void testsScipyRefusesOnTinySamplesAreNotComputed() {
    double[] fifty = weyl(50, 0.6180339887498949, 1.0, 0.0);
    // scipy: ttest_ind gives NaN with one value (ddof=1 variance), cramervonmises_2samp raises
    ColumnDrift t = drift(fifty, new double[] {0.2}, "t_test");
    assertThat(t.computed()).isFalse();
    assertThat(t.reason()).hasValueSatisfying(r -> assertThat(r).contains("at least 2 values"));
    ColumnDrift cvm = drift(fifty, new double[] {0.2}, "cramer_von_mises");
    assertThat(cvm.computed()).isFalse();
    assertThat(cvm.pValue()).isNaN();
    // scipy: anderson_ksamp([[1], [2, 3]]) is NaN (N = 3 zeroes the variance's denominator)
    ColumnDrift ad = drift(new double[] {1}, new double[] {2, 3}, "anderson");
    assertThat(ad.computed()).isFalse();
    assertThat(ad.drifted()).isFalse();
    // N = 4 is computed: anderson_ksamp([[1, 2], [3, 4]]) = (1.5427784316797186, p 0.0750...)
    ColumnDrift ad4 = drift(new double[] {1, 2}, new double[] {3, 4}, "anderson");
    assertThat(ad4.statistic()).isCloseTo(1.5427784316797186, within(1e-12));
    assertThat(ad4.pValue()).isCloseTo(0.07502559142197442, within(1e-7));
  }
}
