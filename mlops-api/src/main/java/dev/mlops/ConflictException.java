package dev.mlops;

/**
 * The call contradicts what is stored (a param logged again with another value, a stage held
 * elsewhere).
 */
public class ConflictException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
