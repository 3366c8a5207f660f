package dev.mlops.serving.internal;

/**
 * How one endpoint dispatches requests to its predictor. Immutable.
 *
 * @param mode off, fixed window, or adaptive
 * @param maxBatchSize the largest batch (1 when batching is off)
 * @param maxWaitNanos fixed mode: how long the oldest request may wait for a fuller batch; adaptive
 *     mode: the latency budget used for corking and shedding
 * @param maxQueue requests that may wait
 * @param timeoutNanos each request's deadline from its arrival
 * @param concurrency predictor calls running at once
 */
record BatchSettings(
    Mode mode,
    int maxBatchSize,
    long maxWaitNanos,
    int maxQueue,
    long timeoutNanos,
    int concurrency) {
  enum Mode {
    OFF,
    FIXED,
    ADAPTIVE
  }
}
