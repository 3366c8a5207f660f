package dev.mlops.monitoring.internal;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The monitors' Prometheus gauges, registered once per JVM in {@link
 * PrometheusRegistry#defaultRegistry} (where the serving module's {@code /metrics} scrapes).
 */
final class Gauges {
  private Gauges() {}

  static final Gauge DRIFT_SCORE =
      Gauge.builder()
          .name("mlops_monitor_drift_score")
          .help(
              "Drift score of the last closed window per column (p-value for tests, distance"
                  + " otherwise)")
          .labelNames("monitor", "column", "method")
          .register(PrometheusRegistry.defaultRegistry);

  static final Gauge COLUMN_DRIFTED =
      Gauge.builder()
          .name("mlops_monitor_column_drifted")
          .help("1 when the column drifted in the last closed window, else 0")
          .labelNames("monitor", "column")
          .register(PrometheusRegistry.defaultRegistry);

  static final Gauge DRIFT_SHARE =
      Gauge.builder()
          .name("mlops_monitor_drift_share")
          .help("Share of drifted columns in the last closed window")
          .labelNames("monitor")
          .register(PrometheusRegistry.defaultRegistry);

  static final Gauge DATASET_DRIFT =
      Gauge.builder()
          .name("mlops_monitor_dataset_drift")
          .help("1 when the last closed window showed dataset drift, else 0")
          .labelNames("monitor")
          .register(PrometheusRegistry.defaultRegistry);

  static void update(String monitor, DriftReportImpl report) {
    for (ColumnDriftImpl c : report.impls()) {
      if (c.computed()) {
        DRIFT_SCORE.labelValues(monitor, c.column(), c.method()).set(c.driftScore());
        COLUMN_DRIFTED.labelValues(monitor, c.column()).set(c.drifted() ? 1 : 0);
      }
    }
    DRIFT_SHARE.labelValues(monitor).set(report.driftShare());
    DATASET_DRIFT.labelValues(monitor).set(report.datasetDrift() ? 1 : 0);
  }
}
