package dev.mlops;

/** A thing with that name or id exists already. */
public class AlreadyExistsException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
