package dev.mlops.pipeline.internal;

import dev.mlops.MlopsException;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineExecution;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.PipelineSchedule;
import dev.mlops.pipeline.PipelineStatus;
import dev.mlops.pipeline.Pipelines;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.Schedule;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersioning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Pipelines} module: status, repro, schedules. Thread-safe. One instance per {@code
 * Mlops}; {@link #close()} stops schedules and cancels running repros.
 */
public final class PipelinesImpl implements Pipelines, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelinesImpl.class);

  private final Path workspace;
  private final Hashing hashing;
  private final RunCache runCache;
  private final Supplier<Optional<Tracking>> tracking;
  private final Map<Path, Semaphore> running = new ConcurrentHashMap<>();
  private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
  private final Set<ScheduleHandle> schedules = ConcurrentHashMap.newKeySet();
  private final Object schedulerLock = new Object();
  private final Detector detector;
  private final ParamsCache paramsCache = new ParamsCache();
  // weak keys: a plan lives as long as its (identity-compared) pipeline
  private final Map<Pipeline, StatusPlan> plans =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  private ScheduledExecutorService scheduler;
  private volatile boolean closed;

  /**
   * @param workspace base folder of built pipelines
   * @param home where the run cache lives ({@code <home>/cache/runs})
   * @param data hashing and cache (optional: without it outputs are hashed, not cached)
   * @param tracking tracking, looked up on each repro (optional)
   */
  public PipelinesImpl(
      Path workspace,
      Path home,
      Optional<DataVersioning> data,
      Supplier<Optional<Tracking>> tracking) {
    this.workspace = workspace.toAbsolutePath().normalize();
    this.hashing = new Hashing(data);
    this.detector = new Detector(hashing);
    // next to the data cache versioning uses: a DVC repo's .dvc/cache, else the home's cache
    Path dvcDir = this.workspace.resolve(".dvc");
    this.runCache =
        new RunCache(
            (Files.isDirectory(dvcDir) ? dvcDir : home.toAbsolutePath())
                .resolve("cache")
                .resolve("runs"));
    this.tracking = tracking;
    if (data.isEmpty()) {
      log.info("mlops-versioning is not on the classpath: outputs are hashed but not cached");
    }
  }

  Path base(Pipeline p) {
    return p.dir().orElse(workspace);
  }

  @Override
  public PipelineRun repro(Pipeline pipeline, ReproOptions options) {
    return start(pipeline, options).await();
  }

  @Override
  public PipelineExecution start(Pipeline pipeline, ReproOptions options) {
    return start(pipeline, options, false);
  }

  private Execution start(Pipeline pipeline, ReproOptions options, boolean permitHeld) {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(options, "options");
    ensureOpen();
    Path base = base(pipeline);
    Repro repro =
        new Repro(
            pipeline,
            options,
            base,
            hashing,
            runCache,
            options.dryRun() ? Optional.empty() : tracking.get());
    Semaphore sem = permit(base);
    Execution ex = new Execution(repro, sem, permitHeld);
    executions.add(ex);
    Thread t = new Thread(ex::run, "mlops-repro-" + pipeline.name());
    t.setDaemon(true);
    t.start();
    return ex;
  }

  private Semaphore permit(Path base) {
    return running.computeIfAbsent(base.resolve("dvc.lock"), k -> new Semaphore(1));
  }

  @Override
  public PipelineStatus status(Pipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    ensureOpen();
    Path base = base(pipeline);
    StatusPlan plan = plan(pipeline, base);
    Map<String, Map<String, Object>> lock = readLockCached(base.resolve("dvc.lock"));
    Detector.LockView[] views = plan.views(lock);
    Detector.Probe probe = new Detector.Probe(hashing, plan.slots(), paramsCache);
    Map<String, List<String>> stale = new LinkedHashMap<>();
    for (int i = 0; i < plan.size(); i++) {
      List<String> reasons = detector.reasons(plan.stage(i), views[i], probe);
      if (!reasons.isEmpty()) {
        stale.put(plan.stage(i).stage().name(), List.copyOf(reasons));
      }
    }
    List<String> warnings = new ArrayList<>();
    for (StatusPlan.Unproduced u : plan.unproduced()) {
      if (!probe.exists(u.slot(), u.abs())) {
        warnings.add(u.warning());
      }
    }
    return new Status(stale, warnings);
  }

  /** The pipeline's status plan, built on its first status and kept while the pipeline lives. */
  private StatusPlan plan(Pipeline pipeline, Path base) {
    StatusPlan plan = plans.get(pipeline);
    if (plan == null || !plan.base().equals(base)) {
      plan = new StatusPlan(pipeline, base);
      plans.put(pipeline, plan);
    }
    return plan;
  }

  private record CachedLock(
      long size, long mtimeNanos, Object fileKey, Map<String, Map<String, Object>> entries) {}

  private final Map<Path, CachedLock> lockCache = new ConcurrentHashMap<>();

  /** The lock file's entries, re-parsed only when its size, mtime or inode changed. Read-only. */
  private Map<String, Map<String, Object>> readLockCached(Path file) {
    java.nio.file.attribute.BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    } catch (java.io.IOException e) {
      lockCache.remove(file);
      return Map.of();
    }
    long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    CachedLock c = lockCache.get(file);
    if (c != null
        && c.size == a.size()
        && c.mtimeNanos == mtime
        && Objects.equals(c.fileKey, a.fileKey())) {
      return c.entries;
    }
    Map<String, Map<String, Object>> entries = LockFile.read(file);
    lockCache.put(file, new CachedLock(a.size(), mtime, a.fileKey(), entries));
    return entries;
  }

  record Status(Map<String, List<String>> stale, List<String> warnings) implements PipelineStatus {
    Status {
      stale = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stale));
      warnings = List.copyOf(warnings);
    }
  }

  @Override
  public PipelineSchedule schedule(Pipeline pipeline, Schedule schedule) {
    return schedule(pipeline, schedule, ReproOptions.defaults());
  }

  @Override
  public PipelineSchedule schedule(Pipeline pipeline, Schedule schedule, ReproOptions options) {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(options, "options");
    ensureOpen();
    ScheduleHandle h = new ScheduleHandle(pipeline, schedule, options);
    schedules.add(h);
    h.arm();
    return h;
  }

  private ScheduledExecutorService scheduler() {
    synchronized (schedulerLock) {
      if (scheduler == null) {
        ScheduledThreadPoolExecutor s =
            new ScheduledThreadPoolExecutor(
                1,
                r -> {
                  Thread t = new Thread(r, "mlops-pipeline-scheduler");
                  t.setDaemon(true);
                  return t;
                });
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
      }
      return scheduler;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new MlopsException("the pipelines module is closed");
    }
  }

  /**
   * Stops every schedule and cancels running repros, waiting up to 10 s for them and for a schedule
   * tick in progress to end, so no schedule counts a run after close returns.
   */
  @Override
  public void close() {
    closed = true;
    schedules.forEach(ScheduleHandle::close);
    ScheduledExecutorService s;
    synchronized (schedulerLock) {
      s = scheduler;
      if (s != null) {
        s.shutdown(); // no new ticks; a tick in progress finishes below
      }
    }
    for (Execution e : executions) {
      e.cancel();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Execution e : executions) {
      try {
        e.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (RuntimeException failed) {
        log.debug("repro ended with a failure while closing", failed);
      }
    }
    if (s != null) {
      try {
        if (!s.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          s.shutdownNow();
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A repro on its own thread. */
  final class Execution implements PipelineExecution {
    private final Repro repro;
    private final Semaphore permit;
    private final boolean permitHeld;
    private final CompletableFuture<PipelineRun> result = new CompletableFuture<>();

    Execution(Repro repro, Semaphore permit, boolean permitHeld) {
      this.repro = repro;
      this.permit = permit;
      this.permitHeld = permitHeld;
    }

    void run() {
      boolean acquired = permitHeld;
      try {
        if (!acquired) {
          permit.acquire();
          acquired = true;
        }
        result.complete(repro.run());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.completeExceptionally(new MlopsException("repro interrupted", e));
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      } finally {
        if (acquired) {
          permit.release();
        }
        executions.remove(this);
      }
    }

    @Override
    public void cancel() {
      repro.cancel();
    }

    @Override
    public PipelineRun await() {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          cancel();
          Optional<PipelineRun> r = await(Duration.ofSeconds(30));
          Thread.currentThread().interrupt();
          return r.orElseThrow(() -> new MlopsException("repro interrupted and did not stop", e));
        } catch (ExecutionException e) {
          throw unwrap(e);
        }
      }
    }

    @Override
    public Optional<PipelineRun> await(Duration timeout) {
      try {
        return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable c = e.getCause();
    if (c instanceof RuntimeException) {
      return (RuntimeException) c;
    }
    if (c instanceof Error) {
      throw (Error) c;
    }
    return new MlopsException("repro failed: " + c, c);
  }

  /** A pipeline on a schedule. */
  final class ScheduleHandle implements PipelineSchedule {
    private final Pipeline pipeline;
    private final Schedule schedule;
    private final ReproOptions options;
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<PipelineRun> last = new AtomicReference<>();
    private final AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
    private volatile boolean stopped;

    ScheduleHandle(Pipeline pipeline, Schedule schedule, ReproOptions options) {
      this.pipeline = pipeline;
      this.schedule = schedule;
      this.options = options;
    }

    void arm() {
      if (stopped) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now(java.time.ZoneId.systemDefault());
      long delay = Duration.between(now, schedule.next(now)).toMillis();
      try {
        next.set(scheduler().schedule(this::tick, Math.max(0, delay), TimeUnit.MILLISECONDS));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        stopped = true; // the module is closing
      }
    }

    private void tick() {
      try {
        if (stopped) {
          return;
        }
        Semaphore sem = permit(base(pipeline));
        if (!sem.tryAcquire()) {
          log.info(
              "schedule of {}: previous repro still running, skipping this tick", pipeline.name());
          return;
        }
        Execution ex;
        try {
          ex = start(pipeline, options, true);
        } catch (RuntimeException e) {
          sem.release();
          throw e;
        }
        PipelineRun r = ex.await();
        last.set(r);
        completed.incrementAndGet();
      } catch (RuntimeException e) {
        log.error("scheduled repro of {} failed", pipeline.name(), e);
      } finally {
        arm();
      }
    }

    @Override
    public String pipeline() {
      return pipeline.name();
    }

    @Override
    public int completedRuns() {
      return completed.get();
    }

    @Override
    public Optional<PipelineRun> lastRun() {
      return Optional.ofNullable(last.get());
    }

    @Override
    public boolean isClosed() {
      return stopped;
    }

    @Override
    public void close() {
      stopped = true;
      ScheduledFuture<?> f = next.get();
      if (f != null) {
        f.cancel(false);
      }
      schedules.remove(this);
    }
  }
}
