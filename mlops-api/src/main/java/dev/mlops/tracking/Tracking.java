package dev.mlops.tracking;

import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Experiment tracking: runs with params, metrics, tags and artifacts, in MLflow's model. Get it
 * from {@code Mlops.tracking()}. Thread-safe.
 *
 * <pre>{@code
 * Run run = m.tracking().run("churn", r -> {
 *   r.param("lr", 0.01);
 *   for (int step = 0; step < 10; step++) r.metric("loss", loss(step), step);
 * });
 * Page<Run> best = m.tracking().search(RunQuery.in("churn").orderBy("metrics.loss").limit(1));
 * }</pre>
 */
public interface Tracking {
  /**
   * Runs {@code body} as a new run of {@code experiment} (created on first use). The run ends
   * FINISHED when the body returns, FAILED when it throws (the exception is rethrown, wrapped in
   * {@link dev.mlops.MlopsException} if checked), KILLED if the JVM shuts down while it runs.
   */
  Run run(String experiment, RunBody body);

  /** Like {@link #run(String, RunBody)} with a run name. */
  Run run(String experiment, String runName, RunBody body);

  /** Starts a run to end yourself (try-with-resources); a name is generated. */
  ActiveRun start(String experiment);

  /** Starts a named run to end yourself. */
  ActiveRun start(String experiment, String runName);

  /** A run by id; {@link dev.mlops.NotFoundException} if there is none. */
  Run get(String runId);

  /** Runs matching a query, one page at a time. */
  Page<Run> search(RunQuery query);

  /** Every point of one metric of a run, ordered by step, then timestamp. */
  List<Metric> metricHistory(String runId, String key);

  /** Params and latest metrics of runs side by side, differing keys marked. */
  RunComparison compare(String... runIds);

  /** The data versions a run recorded as inputs. */
  List<DataVersion> inputs(String runId);

  /** Sets a tag on any run, running or ended. */
  void setTag(String runId, String key, String value);

  /** Soft-deletes a run (hidden from searches by default). */
  void deleteRun(String runId);

  /** Restores a soft-deleted run. */
  void restoreRun(String runId);

  /**
   * Creates an experiment; {@link dev.mlops.AlreadyExistsException} if an active one has the name.
   */
  Experiment createExperiment(String name);

  /** The active experiment with that name. */
  Optional<Experiment> experiment(String name);

  /** An experiment by id, deleted or not; {@link dev.mlops.NotFoundException} if none. */
  Experiment experimentById(String experimentId);

  /** Every experiment that is not deleted. */
  List<Experiment> experiments();

  /** Renames an experiment. */
  void renameExperiment(String experimentId, String newName);

  /** Soft-deletes an experiment; its name may then be used by a new experiment. */
  void deleteExperiment(String experimentId);

  /** Restores a deleted experiment; {@link dev.mlops.ConflictException} if its name was reused. */
  void restoreExperiment(String experimentId);

  /** Lists a run's artifacts directly under {@code path} ("" for the root). */
  List<ArtifactInfo> listArtifacts(String runId, String path);

  /**
   * Copies a run's artifact (file or folder) at {@code path} ("" for all) into {@code target} and
   * returns the copied file or folder.
   */
  Path downloadArtifacts(String runId, String path, Path target);
}
