package dev.mlops.monitoring;

/**
 * Drift and data-quality statistics, reports and live monitors. Get it from {@code
 * Mlops.monitoring()}. Thread-safe.
 */
public interface Monitoring {}
