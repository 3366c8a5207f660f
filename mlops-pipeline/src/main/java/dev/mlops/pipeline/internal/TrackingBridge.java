package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.ParamsDependency;
import dev.mlops.pipeline.Stage;
import dev.mlops.pipeline.StageOutcome;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.RunStatus;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a repro as a tracking run with one child run per stage: params, metrics files as metrics,
 * outputs' hashes as tags. Tracking failures are logged and never fail the pipeline. Thread-safe.
 */
final class TrackingBridge {
  private static final Logger log = LoggerFactory.getLogger(TrackingBridge.class);
  static final String TAG_PIPELINE = "mlops.pipeline";
  static final String TAG_STAGE = "mlops.pipeline.stage";
  static final String TAG_OUTCOME = "mlops.pipeline.outcome";
  static final String TAG_OUT = "mlops.pipeline.out.";

  private final ActiveRun parent;

  private TrackingBridge(ActiveRun parent) {
    this.parent = parent;
  }

  static Optional<TrackingBridge> start(Optional<Tracking> tracking, String pipeline) {
    if (tracking.isEmpty()) {
      return Optional.empty();
    }
    try {
      ActiveRun run = tracking.get().start(pipeline, "repro");
      run.tag(TAG_PIPELINE, pipeline);
      return Optional.of(new TrackingBridge(run));
    } catch (RuntimeException e) {
      log.warn("tracking is present but the repro run could not start; continuing without", e);
      return Optional.empty();
    }
  }

  String runId() {
    return parent.id();
  }

  Optional<ActiveRun> child(String stage) {
    try {
      ActiveRun c = parent.startChild(stage);
      c.tag(TAG_PIPELINE, parent.name());
      c.tag(TAG_STAGE, stage);
      return Optional.of(c);
    } catch (RuntimeException e) {
      log.warn("cannot start the tracking run of stage {}", stage, e);
      return Optional.empty();
    }
  }

  /** Logs a stage's params, metrics and out hashes on its child run and ends it. */
  static void finish(
      ActiveRun child,
      Stage s,
      Detector.Where w,
      StageOutcome outcome,
      Map<String, DataVersion> outs) {
    try {
      Map<String, Map<String, Object>> params =
          Detector.paramValues(w, s, new java.util.ArrayList<>());
      Map<String, Object> flat = new LinkedHashMap<>();
      params.forEach(
          (file, values) -> {
            String prefix = file.equals(ParamsDependency.DEFAULT_FILE) ? "" : file + ":";
            values.forEach((k, v) -> flat.put(prefix + k, Yaml.str(v)));
          });
      if (!flat.isEmpty()) {
        child.params(flat);
      }
      for (Output o : s.outputs(Output.Kind.METRIC)) {
        Path f = w.abs(o.path());
        if (java.nio.file.Files.isRegularFile(f)) {
          Map<String, Double> metrics = new LinkedHashMap<>();
          flatten("", Yaml.read(f).root(), metrics);
          metrics.forEach(child::metric);
        }
      }
      outs.forEach((path, v) -> child.tag(TAG_OUT + path, v.md5()));
      child.tag(TAG_OUTCOME, outcome.name());
      child.end(outcome == StageOutcome.FAILED ? RunStatus.FAILED : RunStatus.FINISHED);
    } catch (RuntimeException e) {
      log.warn("cannot log stage {} to tracking", s.name(), e);
      try {
        child.end(outcome == StageOutcome.FAILED ? RunStatus.FAILED : RunStatus.FINISHED);
      } catch (RuntimeException again) {
        log.debug("cannot end the run of stage {}", s.name(), again);
      }
    }
  }

  static void flatten(String prefix, Object node, Map<String, Double> out) {
    if (node instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        flatten(
            prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(),
            e.getValue(),
            out);
      }
    } else if (node instanceof List) {
      List<?> l = (List<?>) node;
      for (int i = 0; i < l.size(); i++) {
        flatten(prefix + "." + i, l.get(i), out);
      }
    } else if (node instanceof Number && !prefix.isEmpty()) {
      out.put(prefix, ((Number) node).doubleValue());
    }
  }

  void end(boolean succeeded) {
    try {
      parent.end(succeeded ? RunStatus.FINISHED : RunStatus.FAILED);
    } catch (RuntimeException e) {
      log.warn("cannot end the repro run {}", parent.id(), e);
    }
  }
}
