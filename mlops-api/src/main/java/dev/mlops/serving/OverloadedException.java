package dev.mlops.serving;

import dev.mlops.MlopsException;
import java.time.Duration;

/**
 * The endpoint refused a request because it is overloaded: its queue is full, or the request could
 * not be answered before its deadline. Over HTTP this is status 503 with a {@code Retry-After}
 * header. Nothing was predicted; retrying later is safe.
 */
public class OverloadedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** How long a client should wait before retrying. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
