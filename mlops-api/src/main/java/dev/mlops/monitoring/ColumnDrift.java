package dev.mlops.monitoring;

import java.util.Optional;

/**
 * The drift verdict for one column. Immutable and thread-safe.
 *
 * <p>For tests ({@code ks}, {@code chisquare}, ...) {@link #pValue()} is the p-value, which is also
 * Evidently's drift score; for distances ({@code wasserstein}, {@code psi}, ...) it is NaN and the
 * drift score is {@link #statistic()}. A column that could not be tested has {@link #computed()}
 * false, NaN values, {@code drifted() == false} and a {@link #reason()}.
 */
public interface ColumnDrift {
  /** The column name. */
  String column();

  /** The stat test, by its Evidently name. */
  String method();

  /** The statistic (the distance for distance methods). */
  double statistic();

  /** The p-value, NaN for distances. */
  double pValue();

  /** The threshold compared with the drift score. */
  double threshold();

  /** Whether drift was detected. */
  boolean drifted();

  /** The column's type as tested. */
  default ColumnType type() {
    return ColumnType.NUMERIC;
  }

  /** Evidently's drift score: the p-value for tests, the statistic for distances. */
  default double driftScore() {
    return Double.isNaN(pValue()) ? statistic() : pValue();
  }

  /** Whether the test ran (false: see {@link #reason()}). */
  default boolean computed() {
    return true;
  }

  /** Why the column was not computed. */
  default Optional<String> reason() {
    return Optional.empty();
  }
}
