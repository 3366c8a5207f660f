package dev.mlops.monitoring;

import dev.mlops.serving.Serving;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * Configures a {@link Monitor}; validated at {@link #start()}. Not thread-safe.
 *
 * <pre>{@code
 * Monitor mon = m.monitoring().monitor("churn")
 *     .reference(Table.readCsv(Path.of("train.csv")))
 *     .window(WindowSpec.rows(1000))
 *     .endpoint("churn")                        // the served endpoint's prediction log
 *     .onAlert(a -> log.warn("drift in {}", a.driftedColumns()))
 *     .webhook(URI.create("https://hooks.example.com/drift"))
 *     .start();
 * }</pre>
 */
public interface MonitorBuilder {
  /** The reference table (required); its per-column profiles are computed once, at start. */
  MonitorBuilder reference(Table reference);

  /** The window (default {@code WindowSpec.rows(1000)}). */
  MonitorBuilder window(WindowSpec window);

  /** Reads this endpoint's prediction log from {@code Mlops.serving()}. */
  MonitorBuilder endpoint(String endpoint);

  /** Reads the prediction log of {@code endpoint} from the given {@link Serving}. */
  MonitorBuilder endpoint(Serving serving, String endpoint);

  /** Drift options (methods, thresholds, drift share, mapping). */
  MonitorBuilder options(DriftOptions options);

  /** Adds an alert listener. */
  MonitorBuilder onAlert(AlertListener listener);

  /**
   * Posts each alert as JSON to {@code url} (asynchronously: never blocks the monitor or serving),
   * with a 5 s timeout and 3 retries with backoff.
   */
  MonitorBuilder webhook(URI url);

  /** Like {@link #webhook(URI)} with an explicit per-attempt timeout and retry count. */
  MonitorBuilder webhook(URI url, Duration timeout, int retries);

  /** How often the background poller reads the log (default 1 s). */
  MonitorBuilder pollInterval(Duration interval);

  /** The column holding the prediction, for model quality (default "prediction"). */
  MonitorBuilder predictionColumn(String column);

  /** The clock that closes time windows (default the system clock). */
  MonitorBuilder clock(Clock clock);

  /**
   * Starts the monitor.
   *
   * @throws dev.mlops.InvalidInputException when the reference is missing or empty
   * @throws dev.mlops.ConflictException when a monitor of that name is already running
   */
  Monitor start();
}
