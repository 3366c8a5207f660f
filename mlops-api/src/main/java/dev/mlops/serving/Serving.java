package dev.mlops.serving;

import java.util.List;

/**
 * Prediction endpoints, in-process or over HTTP. Get it from {@code Mlops.serving()}. Thread-safe.
 */
public interface Serving {
  /**
   * Reads an endpoint's prediction log: records with {@code sequence > afterSequence}, oldest
   * first, at most {@code limit}.
   */
  List<PredictionRecord> log(String endpoint, long afterSequence, int limit);

  /** Every logged record of an endpoint, oldest first. */
  default List<PredictionRecord> log(String endpoint) {
    return log(endpoint, 0, Integer.MAX_VALUE);
  }
}
