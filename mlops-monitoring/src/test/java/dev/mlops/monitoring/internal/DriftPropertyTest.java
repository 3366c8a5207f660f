package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded property tests over every method. */
class DriftPropertyTest {
  static final List<String> NUMERIC_METHODS = DriftOptions.METHODS;
  static final List<String> CATEGORICAL_METHODS =
      List.of("chisquare", "jensenshannon", "psi", "kl_div", "hellinger", "TVD");

  /** p = 1 exactly for identical samples. */
  static final Set<String> P_ONE = Set.of("ks", "chisquare", "z", "t_test", "fisher_exact", "TVD");

  /** Symmetric in (reference, current): drift score. */
  static final Set<String> SYMMETRIC =
      Set.of(
          "ks",
          "z",
          "jensenshannon",
          "psi",
          "hellinger",
          "anderson",
          "cramer_von_mises",
          "energy_dist",
          "t_test",
          "fisher_exact");

  static double[] sample(Random r, int n, int kind) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      switch (kind) {
        case 0:
          v[i] = r.nextGaussian();
          break;
        case 1:
          v[i] = r.nextInt(8);
          break;
        default:
          v[i] = r.nextInt(2);
      }
    }
    return v;
  }

  static Table numeric(double[] v) {
    return Table.builder().numeric("x", v).build();
  }

  static Table categorical(List<String> v) {
    return Table.builder().categorical("x", v).build();
  }

  static List<String> cats(Random r, int n, int k) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("c" + r.nextInt(k));
    }
    return out;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void identicalSamplesNeverDrift(long seed) {
    Random r = new Random(seed);
    int n = 20 + r.nextInt(400);
    for (int kind = 0; kind < 3; kind++) {
      double[] v = sample(r, n, kind);
      Table t = numeric(v);
      for (String m : NUMERIC_METHODS) {
        ColumnDrift c = drift(t, t, m).column("x");
        if (!c.computed()) {
          assertThat(m)
              .as("seed %d kind %d: %s not computed: %s", seed, kind, m, c.reason())
              .isIn("z", "fisher_exact", "anderson");
          continue;
        }
        assertThat(c.drifted())
            .as("seed %d kind %d %s score %s", seed, kind, m, c.driftScore())
            .isFalse();
        if (P_ONE.contains(m)) {
          assertThat(c.pValue()).as("seed %d kind %d %s", seed, kind, m).isEqualTo(1.0);
        }
        if (Double.isNaN(c.pValue())) {
          assertThat(c.statistic()).as("seed %d %s distance", seed, m).isBetween(0.0, 1e-6);
        }
      }
    }
    List<String> c = cats(r, n, 2 + r.nextInt(5));
    Table t = categorical(c);
    for (String m : CATEGORICAL_METHODS) {
      ColumnDrift d = drift(t, t, m).column("x");
      assertThat(d.drifted()).as("seed %d categorical %s", seed, m).isFalse();
      if (P_ONE.contains(m)) {
        assertThat(d.pValue()).as("seed %d categorical %s", seed, m).isEqualTo(1.0);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16})
  void symmetricStatisticsAreSymmetric(long seed) {
    Random r = new Random(seed);
    int n = 30 + r.nextInt(300);
    for (int kind = 0; kind < 3; kind++) {
      Table a = numeric(sample(r, n, kind));
      // equal sizes so that fisher_exact applies
      double[] bv = sample(r, n, kind);
      for (int i = 0; i < bv.length; i++) {
        bv[i] += kind == 0 ? 0.2 : 0;
      }
      Table b = numeric(bv);
      for (String m : SYMMETRIC) {
        ColumnDrift ab = drift(a, b, m).column("x");
        ColumnDrift ba = drift(b, a, m).column("x");
        assertThat(ab.computed()).as("seed %d %s", seed, m).isEqualTo(ba.computed());
        if (!ab.computed()) {
          continue;
        }
        assertThat(ba.driftScore())
            .as("seed %d kind %d %s", seed, kind, m)
            .isCloseTo(
                ab.driftScore(),
                org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(ab.driftScore()))));
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23, 24, 25})
  void rowOrderDoesNotMatter(long seed) {
    Random r = new Random(seed);
    int n = 30 + r.nextInt(500);
    double[] a = sample(r, n, r.nextInt(2));
    double[] b = sample(r, n + r.nextInt(50), 0);
    List<String> ca = cats(r, n, 4);
    List<String> cb = cats(r, b.length, 5);
    Table ref = Table.builder().numeric("x", a).categorical("c", ca).build();
    Table cur = Table.builder().numeric("x", b).categorical("c", cb).build();
    Table ref2 =
        Table.builder().numeric("x", shuffled(a, r)).categorical("c", shuffled(ca, r)).build();
    Table cur2 =
        Table.builder().numeric("x", shuffled(b, r)).categorical("c", shuffled(cb, r)).build();
    for (String m : NUMERIC_METHODS) {
      DriftOptions o = DriftOptions.defaults().method("x", m).seed(seed);
      if (CATEGORICAL_METHODS.contains(m)) {
        o = o.method("c", m);
      }
      DriftReport d1 = DriftEngine.drift(ref, cur, o);
      DriftReport d2 = DriftEngine.drift(ref2, cur2, o);
      for (ColumnDrift c1 : d1.columns()) {
        ColumnDrift c2 = d2.column(c1.column());
        assertThat(c2.computed()).isEqualTo(c1.computed());
        if (c1.computed()) {
          assertThat(c2.statistic())
              .as("seed %d %s %s", seed, m, c1.column())
              .isEqualTo(c1.statistic());
          assertThat(Double.valueOf(c2.pValue()))
              .as("seed %d %s %s", seed, m, c1.column())
              .isEqualTo(Double.valueOf(c1.pValue()));
          assertThat(c2.drifted()).isEqualTo(c1.drifted());
        }
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {31, 32, 33})
  void permutationPValuesAreReproducibleBySeed(long seed) {
    Random r = new Random(seed);
    Table a = categorical(cats(r, 300, 4));
    Table b = categorical(cats(r, 250, 4));
    DriftOptions o = DriftOptions.defaults().method("TVD").seed(seed);
    double p1 = DriftEngine.drift(a, b, o).column("x").pValue();
    double p2 = DriftEngine.drift(a, b, o).column("x").pValue();
    assertThat(p2).as("seed %d", seed).isEqualTo(p1);
    assertThat(p1).isBetween(0.0, 1.0);
    Table x = numeric(sample(r, 200, 0));
    Table y = numeric(sample(r, 180, 0));
    DriftOptions m = DriftOptions.defaults().method("empirical_mmd").seed(seed);
    assertThat(DriftEngine.drift(x, y, m).column("x").pValue())
        .as("seed %d", seed)
        .isEqualTo(DriftEngine.drift(x, y, m).column("x").pValue());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void clearShiftIsDetectedByEveryNumericMethod(long seed) {
    Random r = new Random(seed);
    double[] a = sample(r, 400, 0);
    double[] b = sample(r, 400, 0);
    for (int i = 0; i < b.length; i++) {
      b[i] = b[i] * 1.5 + 2;
    }
    for (String m : NUMERIC_METHODS) {
      if (Set.of("z", "fisher_exact").contains(m)) {
        continue;
      }
      ColumnDrift c = drift(numeric(a), numeric(b), m).column("x");
      assertThat(c.drifted()).as("seed %d %s score %s", seed, m, c.driftScore()).isTrue();
    }
  }

  static DriftReport drift(Table a, Table b, String method) {
    return DriftEngine.drift(a, b, DriftOptions.defaults().method(method));
  }

  static double[] shuffled(double[] a, Random r) {
    double[] c = Arrays.copyOf(a, a.length);
    for (int i = c.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      double t = c[i];
      c[i] = c[j];
      c[j] = t;
    }
    return c;
  }

  static List<String> shuffled(List<String> a, Random r) {
    List<String> c = new ArrayList<>(a);
    Collections.shuffle(c, r);
    return c;
  }
}
