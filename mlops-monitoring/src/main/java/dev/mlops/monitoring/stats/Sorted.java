package dev.mlops.monitoring.stats;

import java.util.Arrays;

/** Helpers over ascending sorted arrays. */
public final class Sorted {
  private Sorted() {}

  /** The finite values of {@code values}, sorted ascending (NaN and ±Inf dropped). */
  public static double[] cleanSorted(double[] values) {
    double[] out = new double[values.length];
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        out[n++] = v;
      }
    }
    out = n == out.length ? out : Arrays.copyOf(out, n);
    DoubleSort.sort(out);
    return out;
  }

  /**
   * Like {@link #cleanSorted} but reuses {@code values} (which the caller owns) when every value is
   * finite, so a column is copied at most once.
   */
  public static double[] cleanSortedInPlace(double[] values) {
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        values[n++] = v;
      }
    }
    double[] out = n == values.length ? values : Arrays.copyOf(values, n);
    DoubleSort.sort(out);
    return out;
  }

  /** First index with a[i] >= v. */
  public static int lowerBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First index with a[i] > v. */
  public static int upperBound(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Number of distinct values of a sorted array. */
  public static int distinct(double[] a) {
    int d = a.length == 0 ? 0 : 1;
    for (int i = 1; i < a.length; i++) {
      if (a[i] != a[i - 1]) {
        d++;
      }
    }
    return d;
  }

  /** Number of distinct values of a sorted array, counted up to {@code limit}. */
  public static int distinctUpTo(double[] a, int limit) {
    int d = a.length == 0 ? 0 : 1;
    for (int i = 1; i < a.length && d < limit; i++) {
      if (a[i] != a[i - 1]) {
        d++;
      }
    }
    return d;
  }

  /** Number of distinct values in the union of two sorted arrays. */
  public static int unionDistinctCount(double[] a, double[] b) {
    int i = 0;
    int j = 0;
    int d = 0;
    double last = Double.NaN;
    while (i < a.length || j < b.length) {
      double v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (d == 0 || v != last) {
        d++;
        last = v;
      }
    }
    return d;
  }

  /**
   * Number of distinct values in the union of two sorted arrays, counted up to {@code limit}: the
   * result is {@code min(unionDistinctCount(a, b), limit)}, found without a full merge when the
   * limit is reached early.
   */
  public static int unionDistinctCountUpTo(double[] a, double[] b, int limit) {
    int i = 0;
    int j = 0;
    int d = 0;
    double last = Double.NaN;
    while ((i < a.length || j < b.length) && d < limit) {
      double v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (d == 0 || v != last) {
        d++;
        last = v;
      }
    }
    return d;
  }

  /** The sorted distinct values of the union of two sorted arrays. */
  public static double[] unionDistinct(double[] a, double[] b) {
    double[] out = new double[unionDistinctCount(a, b)];
    int i = 0;
    int j = 0;
    int d = 0;
    while (i < a.length || j < b.length) {
      double v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (d == 0 || v != out[d - 1]) {
        out[d++] = v;
      }
    }
    return out;
  }

  /** Merges two sorted arrays. */
  public static double[] merge(double[] a, double[] b) {
    double[] out = new double[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length || j < b.length) {
      out[k++] = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    }
    return out;
  }

  /** Arithmetic mean. */
  public static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  /** Variance with {@code ddof} (two-pass). */
  public static double variance(double[] a, int ddof) {
    double m = mean(a);
    double s = 0;
    for (double v : a) {
      double d = v - m;
      s += d * d;
    }
    return s / (a.length - ddof);
  }
}
