package dev.mlops.monitoring.stats;

/**
 * Counts of two samples over the same bins (Evidently's {@code get_binned_data}): Sturges
 * equal-width edges over the combined sample, or one bin per distinct value.
 *
 * @param refCounts reference count per bin
 * @param curCounts current count per bin
 * @param nRef reference size
 * @param nCur current size
 * @param edges bin edges (k + 1) for Sturges bins, null for value bins
 * @param keys the value of each bin for value bins (numbers or strings), null for Sturges bins
 */
public record Binned(
    long[] refCounts, long[] curCounts, long nRef, long nCur, double[] edges, Object[] keys) {

  /** Number of bins. */
  public int size() {
    return refCounts.length;
  }

  /** Reference shares (count / n). */
  public double[] refPercents() {
    return percents(refCounts, nRef);
  }

  /** Current shares (count / n). */
  public double[] curPercents() {
    return percents(curCounts, nCur);
  }

  private static double[] percents(long[] counts, long n) {
    double[] p = new double[counts.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = counts[i] / (double) n;
    }
    return p;
  }
}
