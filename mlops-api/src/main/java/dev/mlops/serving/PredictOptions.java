package dev.mlops.serving;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-request options. Immutable; start from {@link #defaults()}.
 *
 * @param requestId the request id recorded in the prediction log; generated when empty
 * @param routingKey a key that pins the caller to one traffic split (same key, same version while
 *     the weights do not change); random split when empty
 * @param version answer with this loaded version only ({@link dev.mlops.NotFoundException} if it is
 *     not loaded); any when empty
 * @param log whether this request may be logged (the sample rate still applies)
 * @param params parameters for a {@link ParameterizedPredictor} (MLflow's {@code params}); empty
 *     for none; ignored by a plain {@link BatchPredictor}
 */
public record PredictOptions(
    Optional<String> requestId,
    Optional<String> routingKey,
    Optional<String> version,
    boolean log,
    Map<String, Object> params) {
  private static final PredictOptions DEFAULTS =
      new PredictOptions(Optional.empty(), Optional.empty(), Optional.empty(), true, Map.of());

  /** Copies {@code params}; a null value inside it stays a JSON null. */
  public PredictOptions {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(params, "params");
    params = params.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** Options without parameters. */
  public PredictOptions(
      Optional<String> requestId,
      Optional<String> routingKey,
      Optional<String> version,
      boolean log) {
    this(requestId, routingKey, version, log, Map.of());
  }

  /** No request id, random split, any version, logging on. */
  public static PredictOptions defaults() {
    return DEFAULTS;
  }

  /** With this request id. */
  public PredictOptions withRequestId(String id) {
    return new PredictOptions(Optional.of(id), routingKey, version, log, params);
  }

  /** With this routing key (sticky canary split). */
  public PredictOptions withRoutingKey(String key) {
    return new PredictOptions(requestId, Optional.of(key), version, log, params);
  }

  /** Pinned to this version. */
  public PredictOptions withVersion(String v) {
    return new PredictOptions(requestId, routingKey, Optional.of(v), log, params);
  }

  /** With payload logging allowed or not for this request. */
  public PredictOptions withLog(boolean enabled) {
    return new PredictOptions(requestId, routingKey, version, enabled, params);
  }

  /**
   * With these parameters for a {@link ParameterizedPredictor}; requests only share a batch when
   * their parameters are equal.
   */
  public PredictOptions withParams(Map<String, ?> p) {
    return new PredictOptions(requestId, routingKey, version, log, new LinkedHashMap<>(p));
  }
}
