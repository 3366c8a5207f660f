package dev.mlops.serving;

import dev.mlops.MlopsException;

/**
 * The endpoint has no model to answer with yet (a registry model that has not loaded), or it is
 * closed. Over HTTP this is status 503.
 */
public class NotReadyException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public NotReadyException(String message) {
    super(message);
  }

  public NotReadyException(String message, Throwable cause) {
    super(message, cause);
  }
}
