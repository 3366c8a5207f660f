package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A condition a version must meet to be promoted. Metrics come from the lineage snapshot taken at
 * registration. Implementations must be thread-safe; an exception thrown by a gate fails that gate
 * (with the exception's message) and does not stop the others.
 *
 * <pre>{@code
 * registry.promote("churn@4", "production",
 *     Gate.metric("auc").atLeast(0.9),
 *     Gate.metric("latency_ms").atMost(20),
 *     Gate.beatsCurrent("auc", 0.01),
 *     Gate.check("has owner", ctx -> ctx.candidate().tags().containsKey("owner")));
 * }</pre>
 */
@FunctionalInterface
public interface Gate {
  /** Evaluates the gate. */
  GateResult evaluate(GateContext context) throws Exception;

  /** A gate on one metric of the candidate; finish it with {@code atLeast} or {@code atMost}. */
  static MetricGate metric(String key) {
    return new MetricGate(key);
  }

  /**
   * Passes when the candidate's metric is at least {@code minImprovement} higher than the current
   * stage holder's (higher is better); passes when the stage has no holder; fails when either value
   * is missing.
   */
  static Gate beatsCurrent(String metric, double minImprovement) {
    return new BeatsCurrent(metric, minImprovement, true);
  }

  /** Like {@link #beatsCurrent} for a metric where lower is better (loss, latency). */
  static Gate beatsCurrentLower(String metric, double minImprovement) {
    return new BeatsCurrent(metric, minImprovement, false);
  }

  /**
   * Passes when {@code m.monitoring().drift(reference, current)} finds no dataset drift
   * (Evidently's defaults). Fails, saying so, when mlops-monitoring is not on the classpath.
   */
  static Gate noDrift(dev.mlops.monitoring.Table reference, dev.mlops.monitoring.Table current) {
    if (reference == null) {
      throw new InvalidInputException("reference", null, "a Table of reference data");
    }
    return new DriftGate(reference, null, current);
  }

  /**
   * Passes when {@code current} shows no dataset drift against the candidate's training data: the
   * single CSV file among the data versions its run recorded as inputs, read from the workspace
   * when unchanged (same MD5) or else through mlops-versioning. Fails when there is no such input
   * or it cannot be read.
   */
  static Gate noInputDrift(dev.mlops.monitoring.Table current) {
    return new DriftGate(null, null, current);
  }

  /** Like {@link #noInputDrift(dev.mlops.monitoring.Table)} for the input with this path. */
  static Gate noInputDrift(String inputPath, dev.mlops.monitoring.Table current) {
    if (inputPath == null || inputPath.isBlank()) {
      throw new InvalidInputException("inputPath", inputPath, "a data path recorded as input");
    }
    return new DriftGate(null, inputPath, current);
  }

  /** A custom gate: passes when the predicate holds. */
  static Gate check(String name, Predicate<GateContext> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("gate name", name, "a non-blank description");
    }
    return ctx ->
        predicate.test(ctx)
            ? GateResult.pass(name, "true", "true")
            : GateResult.fail(name, "false", "true");
  }

  /** The first half of a metric gate. Immutable. */
  final class MetricGate {
    private final String key;

    MetricGate(String key) {
      if (key == null || key.isBlank() || key.length() > 250) {
        throw new InvalidInputException("metric", key, "a metric key of 1-250 characters");
      }
      this.key = key;
    }

    /** Passes when the metric is {@code >= min}. */
    public Gate atLeast(double min) {
      return bound(">= " + min, v -> v >= min);
    }

    /** Passes when the metric is {@code <= max}. */
    public Gate atMost(double max) {
      return bound("<= " + max, v -> v <= max);
    }

    private Gate bound(String required, java.util.function.DoublePredicate ok) {
      String name = "metric " + key + " " + required;
      return ctx ->
          ctx.metric(key)
              .map(
                  v ->
                      ok.test(v)
                          ? GateResult.pass(name, String.valueOf(v), required)
                          : GateResult.fail(name, String.valueOf(v), required))
              .orElseGet(() -> GateResult.fail(name, "missing", required));
    }
  }

  /** {@link Gate#beatsCurrent}. */
  final class BeatsCurrent implements Gate {
    private final String metric;
    private final double delta;
    private final boolean higherIsBetter;

    BeatsCurrent(String metric, double delta, boolean higherIsBetter) {
      if (metric == null || metric.isBlank()) {
        throw new InvalidInputException("metric", metric, "a metric key");
      }
      if (Double.isNaN(delta) || delta < 0) {
        throw new InvalidInputException("minImprovement", delta, "a number >= 0");
      }
      this.metric = metric;
      this.delta = delta;
      this.higherIsBetter = higherIsBetter;
    }

    @Override
    public GateResult evaluate(GateContext ctx) {
      String name =
          "beats current "
              + ctx.stage()
              + " on "
              + metric
              + (higherIsBetter ? " by +" : " by -")
              + delta;
      if (ctx.current().isEmpty()) {
        return GateResult.pass(name, "no current holder", "any");
      }
      var cur = ctx.currentMetric(metric);
      var cand = ctx.metric(metric);
      int v = ctx.current().get().version();
      if (cur.isEmpty()) {
        return GateResult.fail(name, "version " + v + " has no " + metric, "a value to compare");
      }
      double bound = higherIsBetter ? cur.get() + delta : cur.get() - delta;
      String required =
          (higherIsBetter ? ">= " : "<= ") + bound + " (version " + v + ": " + cur.get() + ")";
      if (cand.isEmpty()) {
        return GateResult.fail(name, "missing", required);
      }
      boolean ok = higherIsBetter ? cand.get() >= bound : cand.get() <= bound;
      return new GateResult(name, ok, String.valueOf(cand.get()), required);
    }
  }
}
