package dev.mlops.monitoring;

import java.util.List;

/**
 * Data-quality metrics of one column. Immutable and thread-safe. Numeric statistics (min, max,
 * mean, std, quantiles) are over the finite values and NaN for non-numeric columns or when there is
 * none.
 *
 * @param column the column
 * @param type its type
 * @param rows rows in the table
 * @param count non-missing values
 * @param missingCount missing values (NaN / null / empty CSV field)
 * @param missingShare missingCount / rows (NaN for an empty table)
 * @param infiniteCount ±Infinity values (numeric only; counted in {@code count})
 * @param min minimum
 * @param max maximum
 * @param mean arithmetic mean
 * @param std sample standard deviation (ddof = 1, as pandas)
 * @param p25 25% quantile (linear interpolation, as numpy/pandas)
 * @param p50 median
 * @param p75 75% quantile
 * @param distinctCount distinct non-missing values
 * @param mostCommon up to 5 most common values, by count then value; empty when every value is
 *     unique
 */
public record ColumnSummary(
    String column,
    ColumnType type,
    long rows,
    long count,
    long missingCount,
    double missingShare,
    long infiniteCount,
    double min,
    double max,
    double mean,
    double std,
    double p25,
    double p50,
    double p75,
    long distinctCount,
    List<ValueCount> mostCommon) {
  public ColumnSummary {
    mostCommon = List.copyOf(mostCommon);
  }
}
