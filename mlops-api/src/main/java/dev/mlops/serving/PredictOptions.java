package dev.mlops.serving;

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
 */
public record PredictOptions(
    Optional<String> requestId,
    Optional<String> routingKey,
    Optional<String> version,
    boolean log) {
  private static final PredictOptions DEFAULTS =
      new PredictOptions(Optional.empty(), Optional.empty(), Optional.empty(), true);

  public PredictOptions {
    java.util.Objects.requireNonNull(requestId, "requestId");
    java.util.Objects.requireNonNull(routingKey, "routingKey");
    java.util.Objects.requireNonNull(version, "version");
  }

  /** No request id, random split, any version, logging on. */
  public static PredictOptions defaults() {
    return DEFAULTS;
  }

  /** With this request id. */
  public PredictOptions withRequestId(String id) {
    return new PredictOptions(Optional.of(id), routingKey, version, log);
  }

  /** With this routing key (sticky canary split). */
  public PredictOptions withRoutingKey(String key) {
    return new PredictOptions(requestId, Optional.of(key), version, log);
  }

  /** Pinned to this version. */
  public PredictOptions withVersion(String v) {
    return new PredictOptions(requestId, routingKey, Optional.of(v), log);
  }

  /** With payload logging allowed or not for this request. */
  public PredictOptions withLog(boolean enabled) {
    return new PredictOptions(requestId, routingKey, version, enabled);
  }
}
