package dev.mlops.testing;

import dev.mlops.tracking.Run;

/**
 * Entry point of the assertions for tests of ML code, in the AssertJ style; failure messages show
 * the numbers.
 *
 * <pre>{@code
 * import static dev.mlops.testing.MlopsAssertions.*;
 * assertThatRun(run).hasStatus(RunStatus.FINISHED).hasMetric("accuracy").atLeast(0.9);
 * }</pre>
 */
public final class MlopsAssertions {
  private MlopsAssertions() {}

  /** Assertions on a run. */
  public static RunAssert assertThatRun(Run run) {
    return new RunAssert(run);
  }
}
