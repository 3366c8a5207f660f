package dev.mlops.monitoring;

import java.util.List;

/** Per-column data-quality metrics of a table ({@link Monitoring#summary}). Thread-safe. */
public interface DataSummary {
  /** Rows in the table. */
  int rows();

  /** One summary per column, in table order. */
  List<ColumnSummary> columns();

  /**
   * One column's summary.
   *
   * @throws dev.mlops.NotFoundException when there is no such column
   */
  ColumnSummary column(String name);

  /** As JSON (schema in the mlops-monitoring README). */
  String toJson();
}
