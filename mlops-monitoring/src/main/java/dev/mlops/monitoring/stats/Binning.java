package dev.mlops.monitoring.stats;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Binning as Evidently does it (numpy's Sturges histogram, or value frequencies). */
public final class Binning {
  private Binning() {}

  /** Evidently's rule: Sturges bins when the reference has more than 20 distinct values. */
  public static final int MIN_REFERENCE_DISTINCT_FOR_HISTOGRAM = 21;

  /**
   * Bins two sorted, finite numeric samples: Sturges edges over the combined sample if the
   * reference has more than 20 distinct values, else one bin per distinct value of either.
   */
  public static Binned numeric(double[] ref, double[] cur) {
    if (Sorted.distinctUpTo(ref, 21) > 20) {
      double lo = Math.min(ref[0], cur[0]);
      double hi = Math.max(ref[ref.length - 1], cur[cur.length - 1]);
      double[] edges = sturgesEdges(lo, hi, ref.length + (long) cur.length);
      return new Binned(
          histogram(ref, edges), histogram(cur, edges), ref.length, cur.length, edges, null);
    }
    return valueBins(ref, cur);
  }

  /** One bin per distinct value of either sorted sample, sorted. */
  public static Binned valueBins(double[] ref, double[] cur) {
    double[] keys = Sorted.unionDistinct(ref, cur);
    long[] rc = new long[keys.length];
    long[] cc = new long[keys.length];
    countInto(ref, keys, rc);
    countInto(cur, keys, cc);
    Object[] k = new Object[keys.length];
    for (int i = 0; i < k.length; i++) {
      k[i] = keys[i];
    }
    return new Binned(rc, cc, ref.length, cur.length, null, k);
  }

  private static void countInto(double[] sorted, double[] keys, long[] counts) {
    int k = 0;
    for (double v : sorted) {
      while (keys[k] != v) {
        k++;
      }
      counts[k]++;
    }
  }

  /** One bin per category of either sample, keys sorted by code point. */
  public static Binned categorical(Map<String, Long> ref, Map<String, Long> cur) {
    TreeMap<String, long[]> all = new TreeMap<>();
    long nRef = 0;
    long nCur = 0;
    for (Map.Entry<String, Long> e : ref.entrySet()) {
      all.computeIfAbsent(e.getKey(), k -> new long[2])[0] += e.getValue();
      nRef += e.getValue();
    }
    for (Map.Entry<String, Long> e : cur.entrySet()) {
      all.computeIfAbsent(e.getKey(), k -> new long[2])[1] += e.getValue();
      nCur += e.getValue();
    }
    long[] rc = new long[all.size()];
    long[] cc = new long[all.size()];
    Object[] keys = new Object[all.size()];
    int i = 0;
    for (Map.Entry<String, long[]> e : all.entrySet()) {
      keys[i] = e.getKey();
      rc[i] = e.getValue()[0];
      cc[i] = e.getValue()[1];
      i++;
    }
    return new Binned(rc, cc, nRef, nCur, null, keys);
  }

  /**
   * numpy's {@code histogram_bin_edges(x, bins="sturges")} for data with min {@code lo}, max {@code
   * hi} and {@code n} values: k = ceil((hi - lo) / ((hi - lo) / (log2 n + 1))), edges i * step +
   * lo, last edge hi exactly.
   */
  public static double[] sturgesEdges(double lo, double hi, long n) {
    double width = (hi - lo) / (log2(n) + 1.0);
    double first = lo;
    double last = hi;
    if (first == last) {
      first -= 0.5;
      last += 0.5;
    }
    int k = width == 0 ? 1 : (int) Math.ceil((last - first) / width);
    double step = (last - first) / k;
    double[] edges = new double[k + 1];
    for (int i = 0; i < k; i++) {
      edges[i] = i * step + first;
    }
    edges[k] = last;
    return edges;
  }

  private static double log2(long n) {
    if (Long.bitCount(n) == 1) {
      return Long.numberOfTrailingZeros(n);
    }
    return Math.log(n) / Math.log(2);
  }

  /**
   * numpy's {@code histogram(sorted, edges)}: bin i holds e_i <= v < e_(i+1), the last bin is
   * closed; values outside are not counted.
   */
  public static long[] histogram(double[] sorted, double[] edges) {
    int k = edges.length - 1;
    long[] counts = new long[k];
    int prev = Sorted.lowerBound(sorted, edges[0]);
    for (int i = 0; i < k; i++) {
      int next =
          i == k - 1
              ? Sorted.upperBound(sorted, edges[k])
              : Sorted.lowerBound(sorted, edges[i + 1]);
      counts[i] = next - prev;
      prev = next;
    }
    return counts;
  }

  /** Evidently's epsilon fill: zeros become min non-zero / 1e6 if that is <= 1e-4, else 1e-4. */
  public static double[] fillZeros(double[] percents) {
    double min = Double.POSITIVE_INFINITY;
    for (double p : percents) {
      if (p != 0 && p < min) {
        min = p;
      }
    }
    double eps = min <= 1e-4 ? min / 1e6 : 1e-4;
    double[] out = Arrays.copyOf(percents, percents.length);
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        out[i] = eps;
      }
    }
    return out;
  }
}
