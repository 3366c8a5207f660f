package dev.mlops.serving;

import dev.mlops.registry.ModelRef;
import java.util.List;
import java.util.Optional;

/**
 * Prediction endpoints, in-process or over HTTP. Get it from {@code Mlops.serving()}. Thread-safe.
 *
 * <pre>{@code
 * Endpoint<Features, Score> ep =
 *     m.serving().endpoint("churn", Features.class, batch -> model.predict(batch))
 *         .batching(64, Duration.ofMillis(2)).logging(0.1).build();
 * try (ModelServer srv = m.serving().server().port(8080).add(ep).start()) { ... }
 * }</pre>
 *
 * <p>Closing the module (with its {@code Mlops}) closes its servers and endpoints and flushes the
 * prediction log.
 */
public interface Serving {
  /** Starts configuring an endpoint around a plain predictor. */
  <I, O> EndpointBuilder<I, O> endpoint(
      String name, Class<I> inputType, BatchPredictor<I, O> predictor);

  /**
   * Starts configuring an endpoint that serves the registry version a reference points at (e.g.
   * {@code ModelRef.parse("churn#production")}, {@code "churn@champion"}) and follows it: when the
   * reference moves, the new version is loaded beside the old, warmed up and swapped in atomically;
   * in-flight requests finish on the old version, which is then closed. A version that fails to
   * load or warm up is never swapped in. A reference that stops resolving (stage emptied, alias or
   * model deleted) leaves the last loaded version serving until it resolves again. Needs
   * mlops-registry on the classpath. The endpoint is named after the model.
   */
  <I, O> EndpointBuilder<I, O> endpoint(ModelRef ref, Class<I> inputType, ModelLoader<I, O> loader);

  /**
   * Like {@link #endpoint(ModelRef, Class, ModelLoader)} when the input type does not matter to the
   * caller: in-process callers pass any input; over HTTP each row arrives as the JSON value's
   * natural Java form ({@code Map<String, Object>} for an object, {@code List} for an array).
   */
  @SuppressWarnings("unchecked")
  default <I, O> EndpointBuilder<I, O> endpoint(ModelRef ref, ModelLoader<I, O> loader) {
    return endpoint(ref, (Class<I>) Object.class, loader);
  }

  /** An open endpoint by name. */
  Optional<Endpoint<?, ?>> find(String name);

  /** Starts configuring an HTTP server on the JDK's built-in server. */
  ModelServer.Builder server();

  /** Starts configuring a transport-neutral request handler to mount in the host's own server. */
  RequestHandler.Builder handler();

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
