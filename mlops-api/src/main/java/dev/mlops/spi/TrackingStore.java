package dev.mlops.spi;

import dev.mlops.tracking.Experiment;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunStatus;
import dev.mlops.tracking.RunView;
import dev.mlops.versioning.DataVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where runs, params, metrics and tags are kept (SQLite, PostgreSQL, an MLflow server). Chosen by
 * the scheme of {@code tracking.uri} through a {@link TrackingStoreProvider}. Implementations are
 * thread-safe and pass {@code TrackingStoreContractTest} from mlops-api's test-jar.
 *
 * <p>The store enforces MLflow's data rules (param immutability, the latest-metric rule, soft
 * delete, experiment name uniqueness among active experiments); key and value validation is done by
 * the caller ({@code Tracking}) before a call reaches the store. Every call is atomic: a call that
 * throws has changed nothing. Calls block until the write is durable.
 */
public interface TrackingStore extends AutoCloseable {

  /**
   * Creates an experiment; {@link dev.mlops.AlreadyExistsException} if an active one has the name.
   */
  Experiment createExperiment(String name);

  /** The active experiment named {@code name}, created when there is none (atomically). */
  Experiment getOrCreateExperiment(String name);

  /** An experiment by id, deleted or not. */
  Optional<Experiment> experiment(String experimentId);

  /** The active experiment with that name. */
  Optional<Experiment> experimentByName(String name);

  /** Experiments in the view, ordered by id. */
  List<Experiment> experiments(RunView view);

  /**
   * Renames an active experiment; {@link dev.mlops.AlreadyExistsException} if an active one has the
   * new name, {@link dev.mlops.ConflictException} if the experiment is deleted.
   */
  void renameExperiment(String experimentId, String newName);

  /** Soft-deletes an experiment and its runs. */
  void deleteExperiment(String experimentId);

  /**
   * Restores a deleted experiment and its runs; {@link dev.mlops.ConflictException} if an active
   * experiment now has its name.
   */
  void restoreExperiment(String experimentId);

  /** Creates a RUNNING run and returns it. */
  Run createRun(NewRun run);

  /** A run by id (deleted runs too). */
  Optional<Run> run(String runId);

  /** Sets status and end time (epoch ms, or null to clear it). */
  void updateRunStatus(String runId, RunStatus status, Long endTime);

  /**
   * Logs params, all or none. The same value again is a no-op; another value throws {@link
   * dev.mlops.ConflictException} and stores none of {@code params}.
   */
  void logParams(String runId, Map<String, String> params);

  /** Sets tags (last write wins). */
  void setTags(String runId, Map<String, String> tags);

  /**
   * Appends metric points of any runs in one transaction; exact duplicates are dropped and the
   * latest value per key is updated by MLflow's rule (highest step, then timestamp, then value).
   */
  void logMetrics(List<RunMetric> points);

  /** Every point of a metric, ordered by step, then timestamp. */
  List<Metric> metricHistory(String runId, String key);

  /** Records data versions the run used (duplicates ignored). */
  void logInputs(String runId, List<DataVersion> inputs);

  /** The data versions a run used, in the order first recorded. */
  List<DataVersion> inputs(String runId);

  /** Soft-deletes a run. */
  void deleteRun(String runId);

  /** Restores a soft-deleted run. */
  void restoreRun(String runId);

  /**
   * Runs matching the query. {@link dev.mlops.InvalidInputException} for a bad filter, order or
   * page token, with the position of the error.
   */
  Page<Run> searchRuns(RunQuery query);

  /** Releases connections the store opened itself. */
  @Override
  void close();
}
