package dev.mlops.monitoring.stats;

import java.util.SplittableRandom;

/** Seeded permutation p-values. */
public final class Permutation {
  private Permutation() {}

  /**
   * Evidently's TVD permutation test over binned counts: the pooled labels are shuffled {@code
   * iterations} times (seeded), split into samples of the original sizes, and p = share of shuffles
   * whose TVD is >= the observed one.
   */
  public static double tvdPValue(Binned b, int iterations, long seed) {
    int k = b.size();
    long nRef = b.nRef();
    long nCur = b.nCur();
    long total = nRef + nCur;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("TVD permutations support up to 2^31 rows");
    }
    int[] pool = new int[(int) total];
    long[] totals = new long[k];
    int pos = 0;
    for (int i = 0; i < k; i++) {
      totals[i] = b.refCounts()[i] + b.curCounts()[i];
      for (long c = 0; c < totals[i]; c++) {
        pool[pos++] = i;
      }
    }
    double observed = DistributionStats.tvd(b.refCounts(), b.curCounts(), nRef, nCur);
    SplittableRandom rnd = new SplittableRandom(seed);
    // draw the smaller side by a partial Fisher-Yates shuffle
    boolean drawRef = nRef <= nCur;
    int draw = (int) (drawRef ? nRef : nCur);
    long[] drawn = new long[k];
    long[] other = new long[k];
    int atLeast = 0;
    for (int it = 0; it < iterations; it++) {
      java.util.Arrays.fill(drawn, 0);
      for (int i = 0; i < draw; i++) {
        int j = i + rnd.nextInt(pool.length - i);
        int t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
        drawn[pool[i]]++;
      }
      for (int i = 0; i < k; i++) {
        other[i] = totals[i] - drawn[i];
      }
      double tvd =
          drawRef
              ? DistributionStats.tvd(drawn, other, nRef, nCur)
              : DistributionStats.tvd(other, drawn, nRef, nCur);
      if (observed <= Math.abs(tvd)) {
        atLeast++;
      }
    }
    return atLeast / (double) iterations;
  }
}
