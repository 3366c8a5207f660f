package dev.mlops.pipeline.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.Stage;
import dev.mlops.pipeline.StageContext;
import dev.mlops.pipeline.StageOutcome;
import dev.mlops.pipeline.StageResult;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersion;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One repro of one pipeline: selection, scheduling, retries, timeouts, cancellation. */
final class Repro {
  private static final Logger log = LoggerFactory.getLogger(Repro.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Pipeline pipeline;
  private final ReproOptions options;
  private final Path base;
  private final Path lockFile;
  private final Hashing hashing;
  private final Detector detector;
  private final RunCache runCache;
  private final Optional<Tracking> tracking;
  private final List<String> selected;
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final Set<Process> processes = ConcurrentHashMap.newKeySet();
  private final Set<Thread> javaThreads = ConcurrentHashMap.newKeySet();
  private final Set<String> wouldRun = ConcurrentHashMap.newKeySet();
  private final Map<String, StageLog> logs = new ConcurrentHashMap<>();

  Repro(
      Pipeline pipeline,
      ReproOptions options,
      Path base,
      Hashing hashing,
      RunCache runCache,
      Optional<Tracking> tracking) {
    this.pipeline = pipeline;
    this.options = options;
    this.base = base;
    this.lockFile = base.resolve("dvc.lock");
    this.hashing = hashing;
    this.detector = new Detector(hashing);
    this.runCache = runCache;
    this.tracking = tracking;
    this.selected = select(pipeline, options);
    validate();
  }

  static List<String> select(Pipeline p, ReproOptions o) {
    if (o.targets().isEmpty()) {
      return p.topologicalOrder();
    }
    Set<String> chosen = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>();
    for (String t : o.targets()) {
      if (!p.stages().containsKey(t)) {
        throw new InvalidInputException(
            "targets", t, "a stage of pipeline " + p.name() + ": " + p.stages().keySet());
      }
      pending.add(t);
    }
    while (!pending.isEmpty()) {
      String s = pending.poll();
      if (!chosen.add(s) || o.singleItem()) {
        continue;
      }
      pending.addAll(o.downstream() ? p.downstream(s) : p.upstream(s));
    }
    List<String> out = new ArrayList<>();
    for (String s : p.topologicalOrder()) {
      if (chosen.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Deps produced by nothing must exist; params keys must exist. Nothing has run yet. */
  private void validate() {
    java.util.TreeSet<String> produced = new java.util.TreeSet<>();
    for (Stage s : pipeline.stages().values()) {
      for (Output o : s.outputs()) {
        produced.add(Pipeline.resolve(s, o.path()));
      }
    }
    for (String name : selected) {
      Stage s = pipeline.stage(name);
      if (s.frozen()) {
        continue;
      }
      Detector.Where w = Detector.where(base, s);
      for (String dep : s.deps()) {
        String r = Pipeline.resolve(s, dep);
        if (!Files.exists(w.abs(dep)) && !Pipeline.overlapsAny(produced, r)) {
          throw new InvalidInputException(
              "deps of stage " + name,
              dep,
              "an existing file or folder or an output of another stage ("
                  + w.abs(dep)
                  + " does not exist and no stage produces it)");
        }
      }
      List<String> missing = new ArrayList<>();
      Detector.paramValues(w, s, missing);
      if (!missing.isEmpty()) {
        boolean producedParams =
            s.params().stream().anyMatch(pd -> produced.contains(Pipeline.resolve(s, pd.file())));
        if (!producedParams) {
          throw new InvalidInputException(
              "params of stage " + name, String.join("; ", missing), "every listed param present");
        }
      }
    }
  }

  void cancel() {
    cancelled.countDown();
    for (Process p : processes) {
      kill(p);
    }
    for (Thread t : javaThreads) {
      t.interrupt();
    }
  }

  boolean isCancelled() {
    return cancelled.getCount() == 0;
  }

  PipelineRun run() throws InterruptedException {
    Instant start = Instant.now();
    LockStore lock = new LockStore(lockFile, pipeline.topologicalOrder());
    Optional<TrackingBridge> bridge =
        options.dryRun() ? Optional.empty() : TrackingBridge.start(tracking, pipeline.name());
    Set<String> inSelection = new HashSet<>(selected);
    Map<String, Integer> waiting = new HashMap<>();
    for (String s : selected) {
      int n = 0;
      for (String u : pipeline.upstream(s)) {
        if (inSelection.contains(u)) {
          n++;
        }
      }
      waiting.put(s, n);
    }
    BlockingQueue<StageResult> done = new LinkedBlockingQueue<>();
    Map<String, StageResult> results = new LinkedHashMap<>();
    Set<String> resolved = new HashSet<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            options.parallelism(),
            r -> {
              Thread t = new Thread(r, "mlops-repro-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    int total = selected.size();
    try {
      for (String s : selected) {
        if (waiting.get(s) == 0) {
          submit(pool, s, lock, bridge, done, resolved);
        }
      }
      while (results.size() < total) {
        StageResult r;
        try {
          r = done.take();
        } catch (InterruptedException e) {
          cancel();
          Thread.currentThread().interrupt();
          // keep collecting: running stages end promptly once killed
          r = takeUninterruptibly(done);
        }
        results.put(r.stage(), r);
        progress(results.size(), total);
        boolean failed =
            r.outcome() == StageOutcome.FAILED
                || (r.outcome() == StageOutcome.NOT_RUN && !options.dryRun());
        if (failed) {
          for (String d : transitiveDownstream(r.stage(), inSelection)) {
            if (resolved.add(d)) {
              String why =
                  isCancelled() && r.outcome() == StageOutcome.NOT_RUN
                      ? "cancelled"
                      : "upstream stage " + r.stage() + " did not succeed";
              done.add(new StageResult(d, StageOutcome.NOT_RUN, Duration.ZERO, why));
            }
          }
        } else {
          for (String d : pipeline.downstream(r.stage())) {
            if (inSelection.contains(d) && waiting.merge(d, -1, Integer::sum) == 0) {
              submit(pool, d, lock, bridge, done, resolved);
            }
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    boolean ok =
        results.values().stream().noneMatch(r -> r.outcome() == StageOutcome.FAILED)
            && !isCancelled();
    bridge.ifPresent(b -> b.end(ok));
    Map<String, String> logText = new HashMap<>();
    logs.forEach((k, v) -> logText.put(k, v.text()));
    return new Run(
        pipeline.name(),
        List.copyOf(results.values()),
        start,
        Instant.now(),
        isCancelled(),
        ok,
        logText,
        bridge.map(TrackingBridge::runId));
  }

  private static StageResult takeUninterruptibly(BlockingQueue<StageResult> q) {
    while (true) {
      try {
        return q.take();
      } catch (InterruptedException ignored) {
        // already cancelling
      }
    }
  }

  private void progress(int done, int total) {
    try {
      options.listener().progress("repro " + pipeline.name(), done, total);
    } catch (RuntimeException e) {
      log.debug("progress listener failed", e);
    }
  }

  private Set<String> transitiveDownstream(String stage, Set<String> inSelection) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> pending = new ArrayDeque<>(pipeline.downstream(stage));
    while (!pending.isEmpty()) {
      String s = pending.poll();
      if (inSelection.contains(s) && out.add(s)) {
        pending.addAll(pipeline.downstream(s));
      }
    }
    return out;
  }

  private void submit(
      ExecutorService pool,
      String stage,
      LockStore lock,
      Optional<TrackingBridge> bridge,
      BlockingQueue<StageResult> done,
      Set<String> resolved) {
    if (!resolved.add(stage)) {
      return;
    }
    if (isCancelled()) {
      done.add(new StageResult(stage, StageOutcome.NOT_RUN, Duration.ZERO, "cancelled"));
      return;
    }
    pool.execute(
        () -> {
          StageResult r;
          long t0 = System.nanoTime();
          try {
            r = runStage(pipeline.stage(stage), lock, bridge, t0);
          } catch (RuntimeException | Error e) {
            log.error("stage {} failed", stage, e);
            r =
                new StageResult(
                    stage,
                    StageOutcome.FAILED,
                    Duration.ofNanos(System.nanoTime() - t0),
                    String.valueOf(e.getMessage()));
          }
          done.add(r);
        });
  }

  private StageResult result(Stage s, StageOutcome o, long t0, String message) {
    log.info("stage {}: {} {}", s.name(), o, message);
    return new StageResult(s.name(), o, Duration.ofNanos(System.nanoTime() - t0), message);
  }

  private StageResult runStage(Stage s, LockStore lock, Optional<TrackingBridge> bridge, long t0) {
    if (isCancelled()) {
      return new StageResult(s.name(), StageOutcome.NOT_RUN, Duration.ZERO, "cancelled");
    }
    if (s.frozen()) {
      return result(s, StageOutcome.SKIPPED, t0, "frozen");
    }
    Detector.Where w = Detector.where(base, s);
    List<String> reasons =
        options.force() ? List.of("forced") : detector.reasons(base, s, lock.get(s.name()));
    if (options.dryRun()) {
      boolean upstream = pipeline.upstream(s.name()).stream().anyMatch(wouldRun::contains);
      if (reasons.isEmpty() && !upstream) {
        return result(s, StageOutcome.SKIPPED, t0, "up to date");
      }
      wouldRun.add(s.name());
      return new StageResult(
          s.name(),
          StageOutcome.NOT_RUN,
          Duration.ZERO,
          "dry run: would run ("
              + (reasons.isEmpty() ? "upstream changed" : String.join(", ", reasons))
              + ")");
    }
    if (reasons.isEmpty()) {
      StageResult r = result(s, StageOutcome.SKIPPED, t0, "up to date");
      bridge
          .flatMap(b -> b.child(s.name()))
          .ifPresent(
              c ->
                  TrackingBridge.finish(
                      c, s, w, StageOutcome.SKIPPED, recordedOuts(lock.get(s.name()))));
      return r;
    }
    boolean eligible = options.runCache() && hashing.caching() && RunCache.eligible(s);
    if (eligible && !options.force()) {
      Optional<StageResult> restored = tryRunCache(s, w, lock, bridge, t0);
      if (restored.isPresent()) {
        return restored.get();
      }
    }
    removeOutputs(s, w);
    Optional<ActiveRun> child = bridge.flatMap(b -> b.child(s.name()));
    StageLog slog = logs.computeIfAbsent(s.name(), n -> new StageLog(pipeline.name(), n));
    String error = null;
    int attempts = options.retries() + 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (isCancelled()) {
        error = "cancelled";
        break;
      }
      error = s.isJava() ? runJava(s, w, attempt, child, slog) : runShell(s, w, slog);
      if (error == null) {
        break;
      }
      slog.keep("attempt " + attempt + " of " + attempts + " failed: " + error);
      log.warn("stage {} attempt {}/{} failed: {}", s.name(), attempt, attempts, error);
      if (attempt < attempts && !isCancelled()) {
        long wait = options.retryBackoff().toMillis() << Math.min(attempt - 1, 20);
        try {
          if (cancelled.await(wait, TimeUnit.MILLISECONDS)) {
            error = "cancelled";
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          error = "interrupted";
          break;
        }
      }
    }
    Map<String, dev.mlops.versioning.DataVersion> outs = new LinkedHashMap<>();
    if (error == null) {
      for (Output o : s.outputs()) {
        if (!Files.exists(w.abs(o.path()))) {
          error = "output " + o.path() + " was not created by the stage";
          break;
        }
      }
    }
    if (error == null) {
      try {
        for (Output o : s.outputs()) {
          Path abs = w.abs(o.path());
          outs.put(o.path(), o.cache() ? hashing.commit(abs) : hashing.hash(abs).orElseThrow());
        }
        Map<String, Object> entry = detector.entry(base, s, outs);
        lock.put(s.name(), entry);
        if (eligible) {
          runCache.save(entry);
        }
      } catch (RuntimeException e) {
        error = "saving outputs failed: " + e.getMessage();
        log.error("stage {}: saving outputs failed", s.name(), e);
      }
    }
    StageOutcome outcome = error == null ? StageOutcome.RAN : StageOutcome.FAILED;
    child.ifPresent(c -> TrackingBridge.finish(c, s, w, outcome, outs));
    return result(s, outcome, t0, error == null ? "ran: " + String.join(", ", reasons) : error);
  }

  private Optional<StageResult> tryRunCache(
      Stage s, Detector.Where w, LockStore lock, Optional<TrackingBridge> bridge, long t0) {
    try {
      Map<String, Object> partial = detector.entry(base, s, Map.of());
      Optional<Map<String, Object>> hit = runCache.find(partial, s, hashing);
      if (hit.isEmpty()) {
        return Optional.empty();
      }
      Map<String, DataVersion> outs = new LinkedHashMap<>();
      for (DataVersion v : RunCache.outs(hit.get())) {
        hashing.restore(v, w.abs(v.path()));
        outs.put(v.path(), v);
      }
      Map<String, Object> entry = detector.entry(base, s, outs);
      lock.put(s.name(), entry);
      Optional<ActiveRun> child = bridge.flatMap(b -> b.child(s.name()));
      child.ifPresent(c -> TrackingBridge.finish(c, s, w, StageOutcome.RESTORED_FROM_CACHE, outs));
      return Optional.of(
          result(s, StageOutcome.RESTORED_FROM_CACHE, t0, "restored from the run cache"));
    } catch (RuntimeException e) {
      log.warn("stage {}: run cache restore failed, running it instead", s.name(), e);
      return Optional.empty();
    }
  }

  private static Map<String, DataVersion> recordedOuts(Map<String, Object> entry) {
    Map<String, DataVersion> m = new LinkedHashMap<>();
    if (entry != null) {
      for (DataVersion v : RunCache.outs(entry)) {
        m.put(v.path(), v);
      }
    }
    return m;
  }

  private static void removeOutputs(Stage s, Detector.Where w) {
    for (Output o : s.outputs()) {
      if (o.persist()) {
        continue;
      }
      Path p = w.abs(o.path());
      try {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(x);
            }
          }
        } else {
          Files.deleteIfExists(p);
        }
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
      } catch (IOException e) {
        throw new dev.mlops.StoreException("cannot remove output " + p + ": " + e.getMessage(), e);
      }
    }
  }

  /** Runs the commands; null on success, else why it failed. */
  private String runShell(Stage s, Detector.Where w, StageLog slog) {
    for (String cmd : s.cmd()) {
      slog.keep("$ " + cmd);
      Process p;
      try {
        p =
            new ProcessBuilder("bash", "-c", cmd)
                .directory(w.wdir().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
      } catch (IOException e) {
        return "cannot start bash: " + e.getMessage();
      }
      processes.add(p);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    slog.line(line);
                  }
                } catch (IOException e) {
                  log.debug("stage {} output closed", s.name(), e);
                }
              },
              "mlops-stage-out-" + s.name());
      reader.setDaemon(true);
      reader.start();
      try {
        String err = await(p);
        if (err != null) {
          return err;
        }
        if (p.exitValue() != 0) {
          return isCancelled() ? "cancelled" : "command exited with " + p.exitValue() + ": " + cmd;
        }
      } finally {
        processes.remove(p);
        try {
          reader.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return null;
  }

  private String await(Process p) {
    long deadline =
        options.timeout().map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    while (true) {
      if (isCancelled()) {
        kill(p);
        return "cancelled";
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        kill(p);
        return "timed out after " + options.timeout().orElseThrow();
      }
      try {
        if (p.waitFor(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
  }

  /**
   * Kills a process and everything it started: the tree is listed first, then the root is killed
   * (so it cannot react to its children dying), then the listed descendants.
   */
  static void kill(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        log.warn("process {} did not exit after kill", h.pid());
      }
    }
  }

  private String runJava(
      Stage s, Detector.Where w, int attempt, Optional<ActiveRun> child, StageLog slog) {
    Throwable[] failure = new Throwable[1];
    StageContext ctx = new Context(s, w, attempt, child, slog.logger());
    Thread t =
        new Thread(
            () -> {
              try {
                s.body().orElseThrow().run(ctx);
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "mlops-stage-" + s.name());
    t.setDaemon(true);
    javaThreads.add(t);
    t.start();
    long deadline =
        options.timeout().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
    try {
      while (t.isAlive()) {
        if (isCancelled()) {
          t.interrupt();
          t.join(1000);
          return "cancelled";
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          t.interrupt();
          t.join(1000);
          return "timed out after " + options.timeout().orElseThrow();
        }
        t.join(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
      }
    } catch (InterruptedException e) {
      t.interrupt();
      Thread.currentThread().interrupt();
      return "interrupted";
    } finally {
      javaThreads.remove(t);
    }
    if (failure[0] != null) {
      slog.keep("failed: " + failure[0]);
      return failure[0].getClass().getSimpleName() + ": " + failure[0].getMessage();
    }
    return null;
  }

  private static final class Context implements StageContext {
    private final Stage s;
    private final Detector.Where w;
    private final int attempt;
    private final Optional<ActiveRun> run;
    private final Logger logger;

    Context(Stage s, Detector.Where w, int attempt, Optional<ActiveRun> run, Logger logger) {
      this.s = s;
      this.w = w;
      this.attempt = attempt;
      this.run = run;
      this.logger = logger;
    }

    @Override
    public String stage() {
      return s.name();
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public Path workdir() {
      return w.wdir();
    }

    @Override
    public Path path(String relative) {
      return w.abs(relative);
    }

    @Override
    public String param(String key) {
      List<String> files = new ArrayList<>();
      for (var pd : s.params()) {
        if (pd.keys().contains(key)) {
          files.add(0, pd.file());
        } else {
          files.add(pd.file());
        }
      }
      if (!files.contains(dev.mlops.pipeline.ParamsDependency.DEFAULT_FILE)) {
        files.add(dev.mlops.pipeline.ParamsDependency.DEFAULT_FILE);
      }
      for (String f : files) {
        Optional<Object> content = Params.readFile(w.abs(f));
        if (content.isPresent()) {
          Object v = Params.lookup(content.get(), key);
          if (v != Params.MISSING) {
            return Yaml.str(v);
          }
        }
      }
      throw new NotFoundException(
          "param '" + key + "' not found in " + files + " of stage " + s.name());
    }

    @Override
    public Optional<ActiveRun> run() {
      return run;
    }

    @Override
    public Logger log() {
      return logger;
    }
  }

  /** An immutable {@link PipelineRun}. */
  record Run(
      String pipeline,
      List<StageResult> stages,
      Instant startTime,
      Instant endTime,
      boolean cancelled,
      boolean succeeded,
      Map<String, String> logs,
      Optional<String> trackingRunId)
      implements PipelineRun {
    Run {
      stages = List.copyOf(stages);
      logs = Map.copyOf(logs);
    }

    @Override
    public StageResult stage(String name) {
      for (StageResult r : stages) {
        if (r.stage().equals(name)) {
          return r;
        }
      }
      throw new NotFoundException("stage '" + name + "' was not part of this repro of " + pipeline);
    }

    @Override
    public String log(String stage) {
      return logs.getOrDefault(stage, "");
    }
  }
}
