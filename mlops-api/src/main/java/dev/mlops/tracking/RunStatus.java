package dev.mlops.tracking;

/** The lifecycle state of a run, as in MLflow. */
public enum RunStatus {
  RUNNING,
  FINISHED,
  FAILED,
  KILLED;

  /** Whether the run has ended. */
  public boolean isTerminal() {
    return this != RUNNING;
  }
}
