package dev.mlops.monitoring;

/**
 * Receives a monitor's alerts on the monitor's thread; it should return quickly. An exception it
 * throws is logged and does not stop the monitor.
 */
@FunctionalInterface
public interface AlertListener {
  /** Called once per alert. */
  void onAlert(DriftAlert alert);
}
