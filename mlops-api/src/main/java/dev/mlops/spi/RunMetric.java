package dev.mlops.spi;

import dev.mlops.tracking.Metric;

/**
 * One metric point of one run, as handed to {@link TrackingStore#logMetrics}. Immutable.
 *
 * @param runId the run it belongs to
 * @param key the metric key
 * @param value the value; NaN and the infinities are stored exactly
 * @param step the step
 * @param timestamp epoch milliseconds
 */
public record RunMetric(String runId, String key, double value, long step, long timestamp) {
  /** The point without its run id. */
  public Metric toMetric() {
    return new Metric(key, value, step, timestamp);
  }
}
