package dev.mlops.testing;

import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunStatus;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on a tracked {@link Run}; start with {@link MlopsAssertions#assertThatRun(Run)}. Not
 * thread-safe: use from one thread.
 */
public final class RunAssert {
  private final Run run;

  RunAssert(Run run) {
    if (run == null) {
      throw new AssertionFailedError("expected a run but was null");
    }
    this.run = run;
  }

  /** The run has this status. */
  public RunAssert hasStatus(RunStatus status) {
    if (run.status() != status) {
      throw new AssertionFailedError(
          "run " + describe() + " has status " + run.status() + ", expected " + status,
          status,
          run.status());
    }
    return this;
  }

  /** The run has a param with this value (compared as text). */
  public RunAssert hasParam(String key, Object value) {
    String expected = String.valueOf(value);
    String actual = run.params().get(key);
    if (!expected.equals(actual)) {
      throw new AssertionFailedError(
          "run "
              + describe()
              + " param '"
              + key
              + "' is "
              + quote(actual)
              + ", expected '"
              + expected
              + "'",
          expected,
          actual);
    }
    return this;
  }

  /** The run has a tag with this value. */
  public RunAssert hasTag(String key, String value) {
    String actual = run.tags().get(key);
    if (!Objects.equals(value, actual)) {
      throw new AssertionFailedError(
          "run "
              + describe()
              + " tag '"
              + key
              + "' is "
              + quote(actual)
              + ", expected '"
              + value
              + "'",
          value,
          actual);
    }
    return this;
  }

  /** The run logged the metric; continue with a bound on its latest value. */
  public MetricAssert hasMetric(String key) {
    Double v = run.metrics().get(key);
    if (v == null) {
      throw new AssertionFailedError(
          "run "
              + describe()
              + " has no metric '"
              + key
              + "'; its metrics are "
              + new java.util.TreeMap<>(run.metrics()));
    }
    return new MetricAssert(this, key, v);
  }

  private String describe() {
    return "'" + run.name() + "' (" + run.id() + ")";
  }

  private static String quote(String s) {
    return s == null ? "missing" : "'" + s + "'";
  }

  /** Bounds on the latest value of one metric. */
  public static final class MetricAssert {
    private final RunAssert run;
    private final String key;
    private final double value;

    MetricAssert(RunAssert run, String key, double value) {
      this.run = run;
      this.key = key;
      this.value = value;
    }

    /** The value is at least {@code min}. */
    public MetricAssert atLeast(double min) {
      if (!(value >= min)) {
        fail("at least " + min);
      }
      return this;
    }

    /** The value is at most {@code max}. */
    public MetricAssert atMost(double max) {
      if (!(value <= max)) {
        fail("at most " + max);
      }
      return this;
    }

    /** The value is within {@code [min, max]}. */
    public MetricAssert isBetween(double min, double max) {
      if (!(value >= min && value <= max)) {
        fail("between " + min + " and " + max);
      }
      return this;
    }

    /** The value equals {@code expected} within {@code tolerance}. */
    public MetricAssert isCloseTo(double expected, double tolerance) {
      if (!(Math.abs(value - expected) <= tolerance)) {
        fail(expected + " ± " + tolerance);
      }
      return this;
    }

    /** Back to the run, to chain more assertions. */
    public RunAssert and() {
      return run;
    }

    private void fail(String expected) {
      throw new AssertionFailedError(
          "run " + run.describe() + " metric '" + key + "' is " + value + ", expected " + expected);
    }
  }
}
