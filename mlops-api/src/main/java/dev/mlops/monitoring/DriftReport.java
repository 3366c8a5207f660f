package dev.mlops.monitoring;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link Monitoring#drift}: one {@link ColumnDrift} per reference column (in the
 * reference's order) and the dataset verdict. Immutable and thread-safe.
 */
public interface DriftReport {
  /** Whether the share of drifted columns is at least the options' drift share (0.5). */
  boolean datasetDrift();

  /** Drifted columns / computed columns (0 when none was computed). */
  double driftShare();

  /**
   * One column's verdict.
   *
   * @throws dev.mlops.NotFoundException when the column was not part of the report
   */
  ColumnDrift column(String name);

  /** Every column's verdict, in the reference's column order. */
  List<ColumnDrift> columns();

  /** The report as JSON (schema: mlops-monitoring README, "drift report JSON"). */
  String toJson();

  /**
   * Writes a self-contained HTML page (inline CSS and SVG, no network) atomically.
   *
   * @throws dev.mlops.StoreException when the file cannot be written
   */
  void writeHtml(Path file);

  /** Number of drifted columns. */
  default long driftedColumns() {
    return columns().stream().filter(ColumnDrift::drifted).count();
  }
}
