package dev.mlops.serving;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A named prediction endpoint inside this JVM: micro-batching, bounded queue, deadlines, payload
 * logging, and, for a registry model, hot swap, canary and shadow versions. Thread-safe.
 *
 * <pre>{@code
 * Endpoint<Features, Score> ep =
 *     m.serving().endpoint("churn", Features.class, batch -> model.predict(batch))
 *         .batching(64, Duration.ofMillis(2)).build();
 * Score s = ep.predict(features);
 * }</pre>
 *
 * @param <I> the input type (a record or POJO that JSON maps onto over HTTP)
 * @param <O> the output type
 */
public interface Endpoint<I, O> extends AutoCloseable {
  /** The endpoint name (for a registry model, the model name unless renamed). */
  String name();

  /** The input type JSON is mapped onto; {@code Object} when unknown. */
  Class<I> inputType();

  /**
   * Predicts one input; blocks until answered.
   *
   * @throws OverloadedException when the queue is full or the deadline cannot be met
   * @throws PredictionException when the model failed on this request's batch
   * @throws NotReadyException when no model is loaded or the endpoint is closed
   */
  O predict(I input);

  /** Like {@link #predict} without blocking; the future fails with the same exceptions. */
  CompletableFuture<O> predictAsync(I input);

  /**
   * Predicts several inputs as one request: all answered by the same model version, outputs in
   * input order. Blocks until all are answered.
   */
  List<O> predictAll(List<I> inputs);

  /**
   * Predicts several inputs as one request with options (request id, routing key, pinned version,
   * logging opt-out); returns the outputs with the version that answered.
   */
  Prediction<O> predictAll(List<I> inputs, PredictOptions options);

  /** Whether a model is loaded and the endpoint accepts requests. */
  boolean ready();

  /** The version that takes the main traffic ({@code ""} for a plain predictor). */
  String modelVersion();

  /** Every loaded version with its role and traffic weight. */
  List<VersionInfo> versions();

  /**
   * For a registry model: resolves the reference now and, when it moved, loads, warms up and swaps
   * in the new version. Returns whether a swap happened. A plain endpoint returns false. Blocks
   * while loading.
   */
  boolean refresh();

  /**
   * Stops accepting requests, lets queued and in-flight requests finish, then closes the models.
   * Idempotent.
   */
  @Override
  void close();
}
