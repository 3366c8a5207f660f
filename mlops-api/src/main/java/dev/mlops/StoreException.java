package dev.mlops;

/** A store (database, file system, remote) failed or holds data that fails verification. */
public class StoreException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
