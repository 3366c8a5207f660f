package dev.mlops.monitoring.stats;

/**
 * The outcome of one statistic.
 *
 * @param statistic the test statistic or the distance
 * @param pValue the p-value, NaN for distances
 */
public record StatResult(double statistic, double pValue) {
  /** A distance result. */
  public static StatResult distance(double value) {
    return new StatResult(value, Double.NaN);
  }
}
