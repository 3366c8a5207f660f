package dev.mlops.monitoring;

import dev.mlops.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a monitor cuts its stream into windows: every {@code n} rows, or by time (tumbling windows
 * aligned on the first record's timestamp). Immutable and thread-safe.
 */
public final class WindowSpec {
  private final int rows;
  private final Duration duration;

  private WindowSpec(int rows, Duration duration) {
    this.rows = rows;
    this.duration = duration;
  }

  /**
   * A window closes after {@code n} records.
   *
   * @throws InvalidInputException unless n >= 2
   */
  public static WindowSpec rows(int n) {
    if (n < 2) {
      throw new InvalidInputException("window.rows", n, "at least 2 rows per window");
    }
    return new WindowSpec(n, null);
  }

  /**
   * A window covers {@code d} of record time; it closes when a later record arrives or when the
   * clock passes its end.
   *
   * @throws InvalidInputException unless d is at least 1 ms
   */
  public static WindowSpec time(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.toMillis() < 1) {
      throw new InvalidInputException("window.time", d, "a duration of at least 1 ms");
    }
    return new WindowSpec(0, d);
  }

  /** The row count of a row window. */
  public OptionalInt rowCount() {
    return duration == null ? OptionalInt.of(rows) : OptionalInt.empty();
  }

  /** The duration of a time window. */
  public Optional<Duration> duration() {
    return Optional.ofNullable(duration);
  }

  @Override
  public String toString() {
    return duration == null ? "rows(" + rows + ")" : "time(" + duration + ")";
  }
}
