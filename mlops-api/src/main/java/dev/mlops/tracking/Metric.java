package dev.mlops.tracking;

/**
 * One logged metric point.
 *
 * @param key the metric key
 * @param value the value; NaN and the infinities are kept exactly
 * @param step the step (0 when not given)
 * @param timestamp epoch milliseconds when it was logged
 */
public record Metric(String key, double value, long step, long timestamp) {}
