package dev.mlops.serving;

import dev.mlops.MlopsException;

/**
 * The model failed on the batch this request was part of (it threw, or returned the wrong number of
 * outputs). The cause is the model's exception. Over HTTP this is status 500.
 */
public class PredictionException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public PredictionException(String message, Throwable cause) {
    super(message, cause);
  }
}
