package dev.mlops.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded: the branch-free merges (Wasserstein, energy distance, the capped distinct counts) give
 * exactly what the plain two-pointer definitions give, with ties across samples and signed zeros.
 */
class CdfDistanceTest {

  /** The textbook merge: between consecutive pooled values, |F_a - F_b| (or its square). */
  private static double naiveCdfDistance(double[] a, double[] b, boolean squared) {
    int n1 = a.length;
    int n2 = b.length;
    int i = 0;
    int j = 0;
    double sum = 0;
    for (int t = 0; t < n1 + n2 - 1; t++) {
      double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i++] : b[j++];
      double next = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
      double delta = next - v;
      if (delta != 0) {
        double diff = i / (double) n1 - j / (double) n2;
        sum += squared ? diff * diff * delta : Math.abs(diff) * delta;
      }
    }
    return sum;
  }

  private static double[] sorted(Random r, int n) {
    double[] v = new double[n];
    int kind = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      v[i] =
          switch (kind) {
            case 0 -> r.nextGaussian();
            case 1 -> r.nextInt(5) - 2; // ties across samples
            default -> r.nextBoolean() ? -0.0 : r.nextInt(3) * 0.5;
          };
    }
    Arrays.sort(v);
    return v;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void mergesEqualTheDefinition(long seed) {
    Random r = new Random(seed);
    for (int round = 0; round < 200; round++) {
      double[] a = sorted(r, 1 + r.nextInt(round < 100 ? 6 : 3000));
      double[] b = sorted(r, 1 + r.nextInt(round < 100 ? 6 : 3000));
      String at = "seed " + seed + " round " + round;
      assertThat(NumericStats.wasserstein(a, b)).as(at).isEqualTo(naiveCdfDistance(a, b, false));
      assertThat(NumericStats.energyDistance(a, b))
          .as(at)
          .isEqualTo(Math.sqrt(2) * Math.sqrt(naiveCdfDistance(a, b, true)));
      int distinct = Sorted.unionDistinctCount(a, b);
      for (int limit = 1; limit <= 8; limit++) {
        assertThat(Sorted.unionDistinctCountUpTo(a, b, limit))
            .as(at + " limit " + limit)
            .isEqualTo(Math.min(distinct, limit));
        assertThat(Sorted.distinctUpTo(a, limit))
            .as(at + " limit " + limit)
            .isEqualTo(Math.min(Sorted.distinct(a), limit));
      }
    }
  }
}
