package dev.mlops.monitoring;

import java.util.List;

/**
 * The outcome of one expectation of a quality check. Immutable and thread-safe.
 *
 * @param expectation its kind: not_null, range, allowed_values, regex, unique, row_count
 * @param column the column ("" for row_count)
 * @param passed whether no row violated it
 * @param failures number of violating rows (or 1 for a failed row count)
 * @param examples up to 5 violating rows, as {@code "row <i>: <value>"}
 * @param message a readable description of the expectation and its outcome
 */
public record ExpectationResult(
    String expectation,
    String column,
    boolean passed,
    long failures,
    List<String> examples,
    String message) {
  public ExpectationResult {
    examples = List.copyOf(examples);
  }
}
