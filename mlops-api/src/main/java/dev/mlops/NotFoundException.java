package dev.mlops;

/** A named thing (experiment, run, model, version, remote, object) does not exist. */
public class NotFoundException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
