package dev.mlops.monitoring;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The result of {@link Monitoring#quality}. Immutable and thread-safe. */
public interface QualityReport {
  /** Every expectation's result, in declaration order. */
  List<ExpectationResult> results();

  /** Whether every expectation passed. */
  default boolean passed() {
    return results().stream().allMatch(ExpectationResult::passed);
  }

  /** The failed expectations. */
  default List<ExpectationResult> violations() {
    return results().stream().filter(r -> !r.passed()).collect(Collectors.toList());
  }

  /** The report as JSON (schema in the mlops-monitoring README). */
  String toJson();

  /** Writes a self-contained HTML page atomically. */
  void writeHtml(Path file);
}
