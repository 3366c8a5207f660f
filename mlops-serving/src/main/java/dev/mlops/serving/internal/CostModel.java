package dev.mlops.serving.internal;

/**
 * Fits the predictor's cost {@code duration = a·n + b} by least squares over the last 50 batches
 * (the first 2 are warm-up and discarded), as BentoML's adaptive dispatcher does. Thread-safe.
 */
final class CostModel {
  private static final int WINDOW = 50;
  private static final int WARMUP = 2;

  private final long[] sizes = new long[WINDOW];
  private final long[] nanos = new long[WINDOW];
  private long observations;
  private volatile double slope;
  private volatile double intercept;
  private volatile boolean fitted;

  synchronized void observe(int n, long durationNanos) {
    observations++;
    if (observations <= WARMUP) {
      return;
    }
    int i = (int) ((observations - WARMUP - 1) % WINDOW);
    sizes[i] = n;
    nanos[i] = durationNanos;
    long seen = observations - WARMUP;
    if (seen <= 8 || seen % 8 == 0) {
      fit((int) Math.min(WINDOW, seen));
    }
  }

  private void fit(int count) {
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < count; i++) {
      sx += sizes[i];
      sy += nanos[i];
    }
    double mx = sx / count;
    double my = sy / count;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < count; i++) {
      double dx = sizes[i] - mx;
      sxx += dx * dx;
      sxy += dx * (nanos[i] - my);
    }
    double a = sxx > 0 ? sxy / sxx : 0;
    if (a < 0) {
      a = 0;
    }
    double b = my - a * mx;
    if (b < 0) {
      // all cost is per row: keep the line through the mean
      b = 0;
      a = mx > 0 ? my / mx : 0;
    }
    slope = a;
    intercept = b;
    fitted = count >= 3;
  }

  /** Whether enough batches were seen to trust the fit. */
  boolean fitted() {
    return fitted;
  }

  /** Nanoseconds per row. */
  double perRowNanos() {
    return slope;
  }

  /** Fixed nanoseconds per batch. */
  double perBatchNanos() {
    return intercept;
  }

  /** Predicted duration of a batch of n, 0 before the first fit. */
  long predict(int n) {
    return fitted ? (long) (slope * n + intercept) : 0;
  }
}
