package dev.mlops.tracking.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.spi.ArtifactStore;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.TrackingStore;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.ArtifactInfo;
import dev.mlops.tracking.Experiment;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Page;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunBody;
import dev.mlops.tracking.RunComparison;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunStatus;
import dev.mlops.tracking.RunView;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tracking} implementation over a {@link TrackingStore} and an {@link ArtifactStore}.
 * Thread-safe. Owns the background metric writer and a shutdown hook that ends runs still running
 * as KILLED (after flushing their metrics); {@link #close()} does the same and stops the writer.
 */
public final class DefaultTracking implements Tracking, AutoCloseable {
  /** Config key: how many metric points may wait for the writer before callers wait. */
  public static final String QUEUE_CAPACITY = "tracking.queue.capacity";

  /** Config key: the most metric points written in one transaction. */
  public static final String BATCH_SIZE = "tracking.batch.size";

  private static final Logger log = LoggerFactory.getLogger(DefaultTracking.class);

  private final TrackingStore store;
  private final ArtifactStore artifacts;
  private final MetricWriter writer;
  private final SystemTags systemTags;
  private final Map<String, DefaultActiveRun> active = new ConcurrentHashMap<>();
  private final Thread shutdownHook;
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  /**
   * A tracking instance over the given stores.
   *
   * @param workspace where git metadata is read from
   * @param queueCapacity metric points buffered before callers wait
   * @param batchSize metric points per transaction
   */
  public DefaultTracking(
      TrackingStore store,
      ArtifactStore artifacts,
      Path workspace,
      int queueCapacity,
      int batchSize) {
    this.store = store;
    this.artifacts = artifacts;
    this.systemTags = new SystemTags(workspace);
    this.writer = new MetricWriter(store, queueCapacity, batchSize);
    this.shutdownHook = new Thread(this::close, "mlops-tracking-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Opens tracking for a module context: stores chosen by {@code tracking.uri}/{@code
   * artifacts.uri}.
   */
  public static DefaultTracking open(ModuleContext context) {
    MlopsConfig config = context.config();
    String trackingUri =
        config.get(MlopsConfig.TRACKING_URI, "sqlite:" + context.home().resolve("mlops.db"));
    String artifactsUri =
        config.get(
            MlopsConfig.ARTIFACTS_URI, context.home().resolve("artifacts").toUri().toString());
    ArtifactStore artifacts = Stores.artifacts(artifactsUri, context);
    TrackingStore store = Stores.tracking(trackingUri, context);
    return new DefaultTracking(
        store,
        artifacts,
        context.workspace(),
        intSetting(config, QUEUE_CAPACITY, 100_000),
        intSetting(config, BATCH_SIZE, 20_000));
  }

  private static int intSetting(MlopsConfig config, String key, int defaultValue) {
    String v = config.get(key, String.valueOf(defaultValue));
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new NumberFormatException("not positive");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(key, v, "a positive integer", e);
    }
  }

  /** The store behind this instance. */
  public TrackingStore store() {
    return store;
  }

  // ---------------------------------------------------------------- runs

  @Override
  public Run run(String experiment, RunBody body) {
    requireBody(body);
    return execute(startRun(experiment, null, null), body);
  }

  @Override
  public Run run(String experiment, String runName, RunBody body) {
    requireBody(body);
    return execute(startRun(experiment, Validation.runName(runName), null), body);
  }

  @Override
  public ActiveRun start(String experiment) {
    return startRun(experiment, null, null);
  }

  @Override
  public ActiveRun start(String experiment, String runName) {
    return startRun(experiment, Validation.runName(runName), null);
  }

  DefaultActiveRun startChild(DefaultActiveRun parent, String name) {
    Experiment e =
        store
            .experiment(parent.experimentId())
            .orElseThrow(() -> new NotFoundException("no experiment " + parent.experimentId()));
    return startIn(e, name == null ? null : Validation.runName(name), parent.id());
  }

  Run runChild(DefaultActiveRun parent, String name, RunBody body) {
    requireBody(body);
    return execute(startChild(parent, name), body);
  }

  /** Checked before a run starts, so that a rejected call creates nothing. */
  private static void requireBody(RunBody body) {
    if (body == null) {
      throw new InvalidInputException("body", null, "a run body (a lambda taking the ActiveRun)");
    }
  }

  private DefaultActiveRun startRun(String experiment, String runName, String parentId) {
    ensureOpen();
    Experiment e = store.getOrCreateExperiment(Validation.experimentName(experiment));
    return startIn(e, runName, parentId);
  }

  private DefaultActiveRun startIn(Experiment e, String runName, String parentId) {
    ensureOpen();
    String name = runName == null ? RunNames.generate() : runName;
    Run created =
        store.createRun(
            new NewRun(e.id(), name, parentId, System.currentTimeMillis(), systemTags.forNewRun()));
    DefaultActiveRun run = new DefaultActiveRun(this, created);
    active.put(run.id(), run);
    return run;
  }

  private Run execute(DefaultActiveRun run, RunBody body) {
    try {
      body.accept(run);
    } catch (Throwable t) {
      try {
        run.end(RunStatus.FAILED);
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      }
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw new MlopsException("run " + run.name() + " (" + run.id() + ") failed: " + t, t);
    }
    run.end(RunStatus.FINISHED);
    return get(run.id());
  }

  void ended(DefaultActiveRun run) {
    active.remove(run.id());
  }

  MetricWriter writer() {
    return writer;
  }

  ArtifactStore artifacts() {
    return artifacts;
  }

  void ensureOpen() {
    if (closed) {
      throw new MlopsException("tracking is closed: open a new Mlops instance");
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Run get(String runId) {
    flushQuietly();
    return store
        .run(runId)
        .orElseThrow(() -> new NotFoundException("no run with id '" + runId + "'"));
  }

  @Override
  public Page<Run> search(RunQuery query) {
    if (query == null) {
      throw new InvalidInputException("query", null, "a RunQuery, e.g. RunQuery.in(\"churn\")");
    }
    flushQuietly();
    return store.searchRuns(query);
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    flushQuietly();
    return store.metricHistory(runId, key);
  }

  @Override
  public RunComparison compare(String... runIds) {
    if (runIds == null || runIds.length == 0) {
      throw new InvalidInputException("runIds", "[]", "at least one run id");
    }
    List<Run> runs = new ArrayList<>();
    for (String id : runIds) {
      runs.add(get(id));
    }
    return RunComparison.of(runs);
  }

  @Override
  public List<DataVersion> inputs(String runId) {
    return store.inputs(runId);
  }

  /**
   * Makes this instance's pending metrics visible to a read; a write failure is not the reader's.
   */
  private void flushQuietly() {
    if (!closed) {
      try {
        writer.flush();
      } catch (RuntimeException e) {
        log.debug("pending metrics could not be written before a read", e);
      }
    }
  }

  // ---------------------------------------------------------------- other writes

  @Override
  public void setTag(String runId, String key, String value) {
    Validation.key("tag key", key);
    store.setTags(runId, Map.of(key, Validation.tagValue(key, value)));
  }

  @Override
  public void deleteRun(String runId) {
    store.deleteRun(runId);
  }

  @Override
  public void restoreRun(String runId) {
    store.restoreRun(runId);
  }

  @Override
  public Experiment createExperiment(String name) {
    return store.createExperiment(Validation.experimentName(name));
  }

  @Override
  public Optional<Experiment> experiment(String name) {
    if (name == null) {
      throw new InvalidInputException("experiment", null, "an experiment name");
    }
    return store.experimentByName(name);
  }

  @Override
  public Experiment experimentById(String experimentId) {
    return store
        .experiment(experimentId)
        .orElseThrow(() -> new NotFoundException("no experiment with id '" + experimentId + "'"));
  }

  @Override
  public List<Experiment> experiments() {
    return store.experiments(RunView.ACTIVE_ONLY);
  }

  @Override
  public void renameExperiment(String experimentId, String newName) {
    store.renameExperiment(experimentId, Validation.experimentName(newName));
  }

  @Override
  public void deleteExperiment(String experimentId) {
    store.deleteExperiment(experimentId);
  }

  @Override
  public void restoreExperiment(String experimentId) {
    store.restoreExperiment(experimentId);
  }

  @Override
  public List<ArtifactInfo> listArtifacts(String runId, String path) {
    return artifacts.list(get(runId).artifactUri(), path);
  }

  @Override
  public Path downloadArtifacts(String runId, String path, Path target) {
    if (target == null) {
      throw new InvalidInputException("target", null, "a path to copy the artifacts to");
    }
    return artifacts.download(get(runId).artifactUri(), path, target);
  }

  /**
   * Ends every run still running as KILLED (after writing its metrics), stops the writer and closes
   * the stores. Called by {@code Mlops.close()} and at JVM shutdown. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      for (DefaultActiveRun run : new ArrayList<>(active.values())) {
        try {
          run.end(RunStatus.KILLED);
        } catch (RuntimeException e) {
          log.warn("could not mark run {} KILLED", run.id(), e);
        }
      }
      closed = true;
      writer.close();
      try {
        store.close();
      } catch (RuntimeException e) {
        log.warn("closing the tracking store failed", e);
      }
      if (Thread.currentThread() != shutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down already
        }
      }
    }
  }

  @Override
  public String toString() {
    return "DefaultTracking{" + store + ", " + artifacts + "}";
  }
}
