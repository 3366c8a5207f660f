package dev.mlops.monitoring;

import java.util.List;

/**
 * Drift and data-quality statistics, reports and live monitors. Get it from {@code
 * Mlops.monitoring()}. Thread-safe.
 *
 * <pre>{@code
 * Table ref = Table.readCsv(Path.of("train.csv")), cur = Table.readCsv(Path.of("today.csv"));
 * DriftReport d = m.monitoring().drift(ref, cur);
 * if (d.datasetDrift()) d.writeHtml(Path.of("drift.html"));
 * }</pre>
 */
public interface Monitoring {
  /**
   * Drift of every reference column, with Evidently's default test per column.
   *
   * @throws dev.mlops.InvalidInputException when a table has no rows or no columns
   */
  default DriftReport drift(Table reference, Table current) {
    return drift(reference, current, DriftOptions.defaults());
  }

  /**
   * Drift with options (per-column method and threshold, drift share, seed). Columns that cannot be
   * tested (missing from current, all values missing, mismatched types, a method that does not
   * apply) are reported with {@code computed() == false} and a reason.
   *
   * @throws dev.mlops.InvalidInputException when a table has no rows or no columns
   */
  DriftReport drift(Table reference, Table current, DriftOptions options);

  /** Per-column data-quality metrics. */
  DataSummary summary(Table table);

  /**
   * Checks expectations; a column named by an expectation but absent fails it.
   *
   * @return the report (never throws for violations)
   */
  QualityReport quality(Table table, Expectations expectations);

  /** Configures a live monitor named {@code name} (letters, digits, '-', '_', '.'). */
  MonitorBuilder monitor(String name);

  /** The stored windows of a monitor, oldest first; empty when it never closed one. */
  List<WindowResult> history(String name);
}
