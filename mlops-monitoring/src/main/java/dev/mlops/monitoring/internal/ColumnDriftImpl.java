package dev.mlops.monitoring.internal;

import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.ColumnType;
import java.util.Optional;

/** One column's drift verdict with what the reports need. Immutable. */
record ColumnDriftImpl(
    String column,
    ColumnType type,
    String method,
    double statistic,
    double pValue,
    double threshold,
    boolean drifted,
    boolean computed,
    String reasonText,
    long referenceSize,
    long currentSize,
    long referenceDropped,
    long currentDropped,
    Histogram histogram)
    implements ColumnDrift {

  static ColumnDriftImpl notComputed(
      String column, ColumnType type, String method, double threshold, String reason) {
    return new ColumnDriftImpl(
        column,
        type,
        method,
        Double.NaN,
        Double.NaN,
        threshold,
        false,
        false,
        reason,
        0,
        0,
        0,
        0,
        Histogram.NONE);
  }

  @Override
  public Optional<String> reason() {
    return Optional.ofNullable(reasonText);
  }

  /**
   * Severity for sorting: the score relative to the threshold, oriented so that larger means more
   * drift (threshold / p for tests, distance / threshold for distances).
   */
  double severity() {
    if (!computed) {
      return Double.NEGATIVE_INFINITY;
    }
    double score = driftScore();
    boolean isP = !Double.isNaN(pValue);
    if (isP) {
      return score <= 0 ? Double.MAX_VALUE : threshold / score;
    }
    return threshold <= 0 ? score : score / threshold;
  }
}
