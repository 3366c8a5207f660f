package dev.mlops.monitoring;

import java.util.List;

/**
 * A running monitor: reads its endpoint's prediction log in the background (every poll interval),
 * cuts it into windows, and for each closed window computes drift against the reference, stores the
 * result in {@code mlops.db}, updates Prometheus gauges and raises alerts. Thread-safe.
 *
 * <p>Closing stops the background polling; stored results stay ({@link Monitoring#history}). A
 * monitor restarted under the same name resumes after the last stored window.
 */
public interface Monitor extends AutoCloseable {
  /** The monitor name. */
  String name();

  /**
   * Reads every prediction logged since the last call and closes the windows that are complete,
   * now, on the calling thread (the background poller does the same).
   *
   * @return the windows closed by this call
   */
  List<WindowResult> poll();

  /**
   * Feeds rows directly (for a monitor with no endpoint, or extra rows): they join the open window
   * and full windows close.
   *
   * @return the windows closed by this call
   */
  List<WindowResult> observe(Table rows);

  /**
   * Records the true label of a request (labels usually arrive later); model quality in {@link
   * #history()} is computed from the labels present when it is read.
   */
  void label(String requestId, Object label);

  /** The stored windows, oldest first. */
  List<WindowResult> history();

  /** Stops background polling. Idempotent. */
  @Override
  void close();
}
