package dev.mlops;

/**
 * Base of every error mlops-java throws. Unchecked; the message says what was wrong and how to fix
 * it.
 */
public class MlopsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MlopsException(String message) {
    super(message);
  }

  public MlopsException(String message, Throwable cause) {
    super(message, cause);
  }
}
