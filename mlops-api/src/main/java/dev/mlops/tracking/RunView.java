package dev.mlops.tracking;

/** Which runs a search sees, by lifecycle stage (MLflow's {@code run_view_type}). */
public enum RunView {
  ACTIVE_ONLY,
  DELETED_ONLY,
  ALL
}
