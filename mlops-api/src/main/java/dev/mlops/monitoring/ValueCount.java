package dev.mlops.monitoring;

/**
 * A value and how often it occurs. Immutable and thread-safe.
 *
 * @param value the value as text (numbers in their shortest form)
 * @param count occurrences
 * @param share count / all rows (missing included)
 */
public record ValueCount(String value, long count, double share) {}
