package dev.mlops.monitoring;

import java.time.Instant;
import java.util.List;

/**
 * Raised when a monitor's window shows dataset drift after a window that did not (one alert per
 * drift episode, not one per drifted window). Immutable and thread-safe.
 *
 * @param monitor the monitor name
 * @param window the window that raised it
 * @param driftShare share of drifted columns
 * @param driftedColumns the drifted columns
 * @param raisedAt when it was raised
 */
public record DriftAlert(
    String monitor,
    WindowResult window,
    double driftShare,
    List<String> driftedColumns,
    Instant raisedAt) {
  public DriftAlert {
    driftedColumns = List.copyOf(driftedColumns);
  }
}
