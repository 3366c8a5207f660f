package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.stats.StatResult;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded: {@code drift} (columns sorted into per-worker buffers, in parallel) gives exactly what
 * the statistics give on {@code Arrays.sort}-ed finite values, and exactly what a prepared
 * reference gives; with missing and infinite values in some columns, many columns per worker, and
 * sizes above the radix-sort threshold.
 */
class DriftEngineTest {
  private static final List<String> METHODS =
      List.of(
          "", // Evidently's default for the size
          "ks",
          "wasserstein",
          "psi",
          "kl_div",
          "jensenshannon",
          "hellinger",
          "energy_dist",
          "anderson",
          "cramer_von_mises",
          "t_test",
          "mannw",
          "chisquare");

  private static double[] column(Random r, int n, int c) {
    double[] v = new double[n];
    double shift = c % 2 == 0 ? 0 : 0.3;
    for (int i = 0; i < n; i++) {
      v[i] = c % 3 == 2 ? r.nextInt(40) : r.nextGaussian() + shift;
      if (c % 4 == 1) { // some missing and infinite values, a different count per column
        int k = r.nextInt(50);
        if (k == 0) {
          v[i] = Double.NaN;
        } else if (k == 1) {
          v[i] = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        } else if (k == 2) {
          v[i] = -0.0;
        }
      }
    }
    return v;
  }

  private static double[] finiteSorted(double[] v) {
    double[] f = Arrays.stream(v).filter(Double::isFinite).toArray();
    Arrays.sort(f);
    return f;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void driftEqualsTheStatisticsOnSortedValuesAndThePreparedPath(long seed) {
    Random r = new Random(seed);
    int nRef = 1500 + r.nextInt(3000);
    int nCur = 1200 + r.nextInt(3000);
    int cols = 9;
    Table.Builder rb = Table.builder();
    Table.Builder cb = Table.builder();
    double[][] refCols = new double[cols][];
    double[][] curCols = new double[cols][];
    for (int c = 0; c < cols; c++) {
      refCols[c] = column(r, nRef, c);
      curCols[c] = column(r, nCur, c);
      rb.numeric("c" + c, refCols[c]);
      cb.numeric("c" + c, curCols[c]);
    }
    Table ref = rb.build();
    Table cur = cb.build();
    for (String method : METHODS) {
      DriftOptions o =
          method.isEmpty() ? DriftOptions.defaults() : DriftOptions.defaults().method(method);
      DriftReportImpl direct = DriftEngine.drift(ref, cur, o);
      DriftReportImpl prepared = DriftEngine.compare(DriftEngine.prepare(ref, o), cur);
      assertThat(direct.toJson())
          .as("seed %d method %s", seed, method)
          .isEqualTo(prepared.toJson());
      for (int c = 0; c < cols; c++) {
        ColumnDrift d = direct.column("c" + c);
        assertThat(d.computed()).as("seed %d method %s column %d", seed, method, c).isTrue();
        StatResult expected =
            DriftEngine.numericStat(
                Method.of(d.method()), finiteSorted(refCols[c]), finiteSorted(curCols[c]), o);
        assertThat(d.statistic())
            .as("seed %d method %s column %d", seed, method, c)
            .isEqualTo(expected.statistic());
        if (!Double.isNaN(d.pValue())) {
          assertThat(d.pValue())
              .as("seed %d method %s column %d p", seed, method, c)
              .isEqualTo(expected.pValue());
        }
      }
    }
  }
}
