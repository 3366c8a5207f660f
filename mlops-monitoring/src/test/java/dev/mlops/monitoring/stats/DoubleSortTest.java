package dev.mlops.monitoring.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded property tests: {@link DoubleSort} orders exactly as {@code Arrays.sort}. */
class DoubleSortTest {
  private static final double[] SPECIAL = {
    Double.NaN,
    Double.longBitsToDouble(0xfff8000000000001L), // a negative NaN
    Double.longBitsToDouble(0x7ff0000000000abcL), // a signalling NaN payload
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    0.0,
    -0.0,
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.MIN_NORMAL,
    1.0,
    -1.0
  };

  /** Sizes around the thresholds (tiny, insertion-sort leaves, radix), and a large one. */
  private static final int[] SIZES = {
    0, 1, 2, 3, 47, 48, 49, 1023, 1024, 1025, 5000, 70_000, 200_000
  };

  /** A sample of one of several shapes: wide, narrow, duplicates, specials, sorted, reversed. */
  static double[] sample(Random r, int n, int shape) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      switch (shape) {
        case 0:
          v[i] = r.nextGaussian();
          break;
        case 1: // a narrow range: many leading key bits in common
          v[i] = 1000 + r.nextGaussian() * 1e-9;
          break;
        case 2: // heavy duplicates
          v[i] = r.nextInt(7) - 3;
          break;
        case 3: // specials mixed in
          v[i] = r.nextInt(4) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextGaussian() * 1e6;
          break;
        case 4: // any bit pattern (NaNs, subnormals, huge exponents)
          v[i] = Double.longBitsToDouble(r.nextLong());
          break;
        case 5: // one outlier far away from a tight cluster
          v[i] = i == n / 2 ? -1e300 : 5 + r.nextInt(1000) * 1e-12;
          break;
        default: // zeros of both signs and a few numbers
          v[i] = r.nextInt(3) == 0 ? -0.0 : r.nextInt(2) == 0 ? 0.0 : r.nextInt(5);
      }
    }
    if (shape == 0 && n > 0 && r.nextBoolean()) {
      Arrays.sort(v); // already sorted, or reversed
      if (r.nextBoolean()) {
        for (int i = 0, j = n - 1; i < j; i++, j--) {
          double t = v[i];
          v[i] = v[j];
          v[j] = t;
        }
      }
    }
    return v;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void ordersLikeArraysSort(long seed) {
    Random r = new Random(seed);
    for (int size : SIZES) {
      for (int shape = 0; shape < 7; shape++) {
        double[] v = sample(r, size, shape);
        double[] expected = v.clone();
        Arrays.sort(expected);
        double[] actual = v.clone();
        DoubleSort.sort(actual);
        // Arrays.equals compares doubleToLongBits: -0.0 differs from 0.0, NaNs are equal
        assertThat(Arrays.equals(actual, expected))
            .as("seed %d size %d shape %d", seed, size, shape)
            .isTrue();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16})
  void sortsASubrangeWithAnyScratch(long seed) {
    Random r = new Random(seed);
    for (int round = 0; round < 12; round++) {
      int n = r.nextInt(40_000);
      double[] v = sample(r, n, r.nextInt(7));
      int from = n == 0 ? 0 : r.nextInt(n);
      int to = from + r.nextInt(n - from + 1);
      double[] expected = v.clone();
      Arrays.sort(expected, from, to);
      double[] scratch =
          switch (round % 3) {
            case 0 -> null;
            case 1 -> new double[Math.max(0, (to - from) / 2)]; // too small: the sort allocates
            default -> new double[to - from + r.nextInt(10)];
          };
      if (scratch != null) {
        Arrays.fill(scratch, 42);
      }
      double[] actual = v.clone();
      DoubleSort.sort(actual, from, to, scratch);
      assertThat(Arrays.equals(actual, expected))
          .as("seed %d round %d range [%d, %d) of %d", seed, round, from, to, n)
          .isTrue();
    }
  }

  @Test
  void rejectsARangeOutsideTheArray() {
    double[] v = {3, 1, 2};
    assertThatThrownBy(() -> DoubleSort.sort(v, 2, 4, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DoubleSort.sort(v, 2, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(v).containsExactly(3, 1, 2);
  }
}
