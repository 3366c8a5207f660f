package dev.mlops.testing;

import dev.mlops.Mlops;
import dev.mlops.monitoring.ColumnDrift;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Table;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.tracking.Run;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * Entry point of the assertions for tests of ML code, in the AssertJ style; failure messages show
 * the numbers.
 *
 * <pre>{@code
 * import static dev.mlops.testing.MlopsAssertions.*;
 * assertThatRun(run).hasStatus(RunStatus.FINISHED).hasMetric("accuracy").atLeast(0.9);
 * assertNoDrift(reference, current);
 * assertThatModel(predictor).on(table, "label").hasAccuracyAtLeast(0.9);
 * assertReproducible(pipeline);
 * assertThatEndpoint(endpoint).answers(input).within(Duration.ofMillis(50));
 * }</pre>
 *
 * <p>Assertions that need modules ({@code assertNoDrift}, {@code assertReproducible}) use the
 * {@link MlopsTest} instance of the running test, or a temporary home when there is none.
 *
 * <p>Thread-safe: every method is static and keeps no state; the assertion objects it returns are
 * meant for one thread.
 */
public final class MlopsAssertions {
  private MlopsAssertions() {}

  /** Assertions on a run. */
  public static RunAssert assertThatRun(Run run) {
    return new RunAssert(run);
  }

  /** Quality assertions on a model that predicts rows given as column-to-value maps. */
  public static ModelAssert assertThatModel(BatchPredictor<Map<String, Object>, ?> predictor) {
    return new ModelAssert(predictor);
  }

  /** Assertions on an endpoint's answers. */
  public static <I, O> EndpointAssert<I, O> assertThatEndpoint(Endpoint<I, O> endpoint) {
    return new EndpointAssert<>(endpoint);
  }

  /**
   * Fails when {@code current} has drifted from {@code reference} by the default tests (dataset
   * drift), listing the drifted columns with their statistics.
   *
   * @return the report, for further checks
   */
  public static DriftReport assertNoDrift(Table reference, Table current) {
    return assertNoDrift(reference, current, DriftOptions.defaults());
  }

  /**
   * Fails when {@code current} has drifted from {@code reference} by the tests, thresholds and
   * drift share of {@code options}, listing the drifted columns with their statistics.
   *
   * @return the report, for further checks
   */
  public static DriftReport assertNoDrift(Table reference, Table current, DriftOptions options) {
    DriftReport report = withMlops(m -> m.monitoring().drift(reference, current, options));
    if (report.datasetDrift()) {
      String columns =
          report.columns().stream()
              .filter(ColumnDrift::drifted)
              .map(
                  c ->
                      String.format(
                          Locale.ROOT,
                          "%s (%s: statistic %.4g, p %.4g, threshold %.4g)",
                          c.column(),
                          c.method(),
                          c.statistic(),
                          c.pValue(),
                          c.threshold()))
              .collect(Collectors.joining(", "));
      throw new AssertionFailedError(
          String.format(
              Locale.ROOT,
              "expected no drift, but %d of %d columns drifted (share %.2f): %s",
              report.driftedColumns(),
              report.columns().size(),
              report.driftShare(),
              columns));
    }
    return report;
  }

  /**
   * Runs the pipeline twice, each time in a fresh copy of its workspace (sources only: no home,
   * lock file or outputs) with the run cache off, and fails unless every output has the same hash
   * both times.
   *
   * @return the output hashes, by output path
   */
  public static Map<String, String> assertReproducible(Pipeline pipeline) {
    return Reproducibility.check(pipeline);
  }

  static <T> T withMlops(Function<Mlops, T> work) {
    var current = MlopsExtension.current();
    if (current.isPresent()) {
      return work.apply(current.get());
    }
    try (MlopsExtension.Home home = new MlopsExtension.Home("assertion")) {
      return work.apply(home.mlops);
    }
  }
}
