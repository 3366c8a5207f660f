package dev.mlops.serving;

import dev.mlops.registry.ModelRef;
import java.time.Duration;

/**
 * Configures an endpoint; set-once values, validated at {@link #build()}. Not thread-safe.
 *
 * <p>Defaults: batching off (each request calls the predictor alone, on the caller's thread),
 * concurrency 256 with batching off and the number of cores with batching on, maxQueue 1024
 * requests waiting, timeout 30 s, logging off.
 */
public interface EndpointBuilder<I, O> {
  /**
   * Turns micro-batching on: concurrent requests are grouped into one predictor call, dispatched
   * when {@code maxBatchSize} requests wait or the oldest has waited {@code maxWait}.
   */
  EndpointBuilder<I, O> batching(int maxBatchSize, Duration maxWait);

  /**
   * Turns adaptive micro-batching on: the endpoint fits the predictor's cost {@code a·n + b} from
   * recent batches and holds requests only while waiting for more lowers the average latency, up to
   * {@code maxBatchSize} per batch; a request whose predicted completion exceeds {@code maxLatency}
   * is refused with {@link DeadlineExceededException}.
   */
  EndpointBuilder<I, O> adaptiveBatching(int maxBatchSize, Duration maxLatency);

  /**
   * Requests that may wait for the predictor; one more is refused with {@link OverloadedException}.
   */
  EndpointBuilder<I, O> maxQueue(int maxQueue);

  /**
   * The deadline of each request from its arrival; a request that cannot be answered in time is
   * refused with {@link DeadlineExceededException} instead of answered late.
   */
  EndpointBuilder<I, O> timeout(Duration timeout);

  /**
   * Predictor calls (batches) that may run at once: with batching off, callers beyond it wait in
   * the queue; with batching on, the number of worker threads running batches.
   */
  EndpointBuilder<I, O> concurrency(int concurrency);

  /**
   * Payload logging into the prediction log ({@link Serving#log}), for a share of the requests
   * between 0 (off) and 1 (all). Records are written asynchronously; a full log queue drops records
   * (counted in {@code /metrics}), it never slows a request.
   */
  EndpointBuilder<I, O> logging(double sampleRate);

  /** Input fields (at any depth) removed from logged records, e.g. {@code "email"}. */
  EndpointBuilder<I, O> redact(String... fields);

  /** A sample input every new model version must answer before it takes traffic. */
  EndpointBuilder<I, O> warmup(I sampleInput);

  /** The version label of a plain predictor (default {@code ""}); shown in metrics and logs. */
  EndpointBuilder<I, O> version(String label);

  /**
   * Adds a plain canary version taking {@code weight} (0..1) of the traffic; the primary takes the
   * rest. A weight of 0 takes no routed traffic (reach it with {@link PredictOptions#withVersion}).
   */
  EndpointBuilder<I, O> canary(String version, BatchPredictor<I, O> predictor, double weight);

  /** Adds a plain shadow version: it gets a copy of the traffic, its answers are only logged. */
  EndpointBuilder<I, O> shadow(String version, BatchPredictor<I, O> predictor);

  /**
   * For a registry endpoint: also serve the version {@code ref} resolves to as a canary taking
   * {@code weight} (0..1) of the traffic; it is followed like the main reference.
   */
  EndpointBuilder<I, O> canary(String ref, double weight);

  /** Like {@link #canary(String, double)} with a parsed reference. */
  default EndpointBuilder<I, O> canary(ModelRef ref, double weight) {
    return canary(String.valueOf(ref), weight);
  }

  /** For a registry endpoint: also serve {@code ref}'s version as a shadow. */
  EndpointBuilder<I, O> shadow(String ref);

  /** Like {@link #shadow(String)} with a parsed reference. */
  default EndpointBuilder<I, O> shadow(ModelRef ref) {
    return shadow(String.valueOf(ref));
  }

  /**
   * For a registry endpoint: how often the reference is re-resolved for hot swap (default 5 s;
   * {@link Duration#ZERO} to only swap on {@link Endpoint#refresh()}).
   */
  EndpointBuilder<I, O> refreshInterval(Duration interval);

  /**
   * Creates the endpoint (loading a registry model now) and registers it under its name.
   *
   * @throws dev.mlops.InvalidInputException when a setting is out of range
   * @throws dev.mlops.AlreadyExistsException when an open endpoint has the same name
   */
  Endpoint<I, O> build();
}
