package dev.mlops.serving;

import java.time.Duration;

/**
 * A request was refused because it could not be answered within the endpoint's {@code timeout} (it
 * waited too long in the queue, or the batch it would join could not finish in time). It is refused
 * explicitly rather than answered late; over HTTP it is a 503 like every overload.
 */
public class DeadlineExceededException extends OverloadedException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message, Duration retryAfter) {
    super(message, retryAfter);
  }
}
