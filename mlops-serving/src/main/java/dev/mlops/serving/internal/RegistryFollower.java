package dev.mlops.serving.internal;

import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelVersion;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.VersionInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an endpoint on the versions its registry references point at: resolves them, and when one
 * moved, downloads, loads and warms up the new version beside the old, then swaps the routing
 * atomically. A version that fails to load or warm up is never swapped in (logged, counted, and not
 * retried until the reference moves again). Thread-safe.
 */
final class RegistryFollower<I, O> {
  private static final Logger log = LoggerFactory.getLogger(RegistryFollower.class);

  /** A followed reference and its traffic role. */
  record Ref(String ref, VersionInfo.Role role, double weight) {}

  private final EndpointImpl<I, O> endpoint;
  private final ModelRegistry registry;
  private final ModelLoader<I, O> loader;
  private final List<Ref> refs;
  private final Optional<I> warmup;
  private final Path downloads;
  private final Map<String, Slot<I, O>> current = new HashMap<>(); // ref -> slot
  private final Set<String> failed = new HashSet<>(); // "name@version" that failed to load
  private final Set<String> missing = new HashSet<>(); // refs that stopped resolving (warned)
  private final List<ModelRegistry.Watch> watches = new ArrayList<>();
  private volatile ScheduledFuture<?> schedule;
  private volatile boolean stopped;

  RegistryFollower(
      EndpointImpl<I, O> endpoint,
      ModelRegistry registry,
      ModelLoader<I, O> loader,
      List<Ref> refs,
      Optional<I> warmup,
      Path downloads) {
    this.endpoint = endpoint;
    this.registry = registry;
    this.loader = loader;
    this.refs = List.copyOf(refs);
    this.warmup = warmup;
    this.downloads = downloads;
  }

  void schedule(ScheduledFuture<?> s) {
    this.schedule = s;
  }

  /**
   * Reacts to the registry's change notifications as well as to polling: each followed reference is
   * watched, and a change triggers a refresh on {@code executor} (never on the watcher thread).
   */
  void watch(java.util.concurrent.Executor executor) {
    synchronized (watches) {
      if (stopped) {
        return;
      }
      for (Ref r : refs) {
        watches.add(
            registry.watch(
                ModelRef.parse(r.ref()),
                (ref, previous, now) -> {
                  try {
                    executor.execute(this::poll);
                  } catch (java.util.concurrent.RejectedExecutionException e) {
                    log.debug("refresh of {} skipped: shutting down", endpoint.name());
                  }
                }));
      }
    }
  }

  /** Polling entry point: never throws. */
  void poll() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("refreshing endpoint {} from the registry failed", endpoint.name(), e);
    }
  }

  /**
   * Resolves every reference and swaps in the versions that moved. A reference that no longer
   * resolves (its stage emptied, its alias or model deleted) keeps the version it last loaded:
   * availability first, as KServe keeps its last ready revision; a warning is logged once.
   *
   * @return whether the routing changed
   */
  boolean refresh() {
    return refresh(false);
  }

  /**
   * @param initial the first load at build time: then every reference must resolve and the primary
   *     must load, else the build fails
   */
  synchronized boolean refresh(boolean initial) {
    if (stopped) {
      return false;
    }
    Map<String, Slot<I, O>> next = new LinkedHashMap<>(current);
    Map<Integer, Slot<I, O>> byVersion = new HashMap<>();
    current.values().forEach(s -> byVersion.put(Integer.parseInt(s.version()), s));
    List<Slot<I, O>> loadedNow = new ArrayList<>();
    boolean changed = false;
    for (Ref r : refs) {
      Slot<I, O> have = current.get(r.ref());
      ModelVersion mv = resolve(r, initial);
      if (mv == null) {
        continue;
      }
      // load the version the reference points at; if it moved again while loading, the loaded one
      // is dropped and the newest is loaded instead (bounded, so a flapping reference cannot spin)
      Slot<I, O> chosen = null;
      for (int attempt = 0; attempt < 8 && mv != null && !stopped; attempt++) {
        if (have != null && have.version().equals(Integer.toString(mv.version()))) {
          break;
        }
        Slot<I, O> reuse = byVersion.get(mv.version());
        if (reuse != null) {
          chosen = reuse;
          break;
        }
        String key = mv.name() + "@" + mv.version();
        if (failed.contains(key)) {
          break;
        }
        Optional<Slot<I, O>> loaded = load(mv);
        if (loaded.isEmpty()) {
          failed.add(key);
          if (have == null && r.role() == VersionInfo.Role.PRIMARY) {
            discard(loadedNow);
            throw new MlopsException(
                "endpoint "
                    + endpoint.name()
                    + ": model version "
                    + key
                    + " (from "
                    + r.ref()
                    + ") failed to load or warm up; see the log");
          }
          break;
        }
        loadedNow.add(loaded.get());
        byVersion.put(mv.version(), loaded.get());
        chosen = loaded.get();
        ModelVersion now = resolve(r, false);
        if (now == null || now.version() == mv.version()) {
          break;
        }
        log.info(
            "endpoint {}: {} moved from version {} to {} while loading; loading the newer one",
            endpoint.name(),
            r.ref(),
            mv.version(),
            now.version());
        mv = now;
      }
      if (chosen != null && chosen != have) {
        next.put(r.ref(), chosen);
        changed = true;
      }
    }
    Set<Slot<I, O>> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    used.addAll(next.values());
    List<Slot<I, O>> unused = new ArrayList<>();
    for (Slot<I, O> s : loadedNow) {
      if (!used.contains(s)) {
        unused.add(s);
      }
    }
    if (stopped) {
      // closed while loading: what was loaded for this refresh never takes traffic
      discard(loadedNow);
      return false;
    }
    discard(unused);
    if (!changed) {
      return false;
    }
    current.clear();
    current.putAll(next);
    Routing<I, O> routing = routing();
    endpoint.swap(old -> routing);
    endpoint.module().metrics().swaps.labelValues(endpoint.name(), endpoint.model()).inc();
    log.info("endpoint {} now serves {}", endpoint.name(), routing.versions());
    return true;
  }

  /**
   * The version a reference points at now, or null when it no longer resolves (then the endpoint
   * keeps what it loaded; warned once per disappearance). At build time it must resolve.
   */
  private ModelVersion resolve(Ref r, boolean initial) {
    try {
      ModelVersion mv = registry.resolve(r.ref());
      if (missing.remove(r.ref())) {
        log.info(
            "endpoint {}: {} resolves again (version {})", endpoint.name(), r.ref(), mv.version());
      }
      return mv;
    } catch (NotFoundException e) {
      if (initial) {
        throw e;
      }
      if (missing.add(r.ref())) {
        Slot<I, O> have = current.get(r.ref());
        log.warn(
            "endpoint {}: {} no longer resolves ({}); {}",
            endpoint.name(),
            r.ref(),
            e.getMessage(),
            have == null
                ? "nothing was loaded for it"
                : "version "
                    + have.version()
                    + " keeps serving until it points at a version again");
      }
      return null;
    }
  }

  private void discard(List<Slot<I, O>> slots) {
    for (Slot<I, O> s : slots) {
      CompletableFuture<Void> unused =
          s.retire(
              endpoint.module().closer(), Duration.ofNanos(endpoint.settings().timeoutNanos()));
    }
  }

  private Routing<I, O> routing() {
    List<Routing.Route<I, O>> routes = new ArrayList<>();
    List<Slot<I, O>> shadows = new ArrayList<>();
    double canaryWeight = 0;
    for (Ref r : refs) {
      if (r.role() == VersionInfo.Role.CANARY) {
        canaryWeight += r.weight();
      }
    }
    for (Ref r : refs) {
      Slot<I, O> s = current.get(r.ref());
      if (s == null) {
        continue;
      }
      switch (r.role()) {
        case PRIMARY:
          routes.add(
              0, new Routing.Route<>(s, VersionInfo.Role.PRIMARY, Math.max(0, 1 - canaryWeight)));
          break;
        case CANARY:
          routes.add(new Routing.Route<>(s, VersionInfo.Role.CANARY, r.weight()));
          break;
        case SHADOW:
          shadows.add(s);
          break;
      }
    }
    return new Routing<>(routes, shadows);
  }

  private Optional<Slot<I, O>> load(ModelVersion mv) {
    String key = mv.name() + "@" + mv.version();
    Path dir = null;
    BatchPredictor<I, O> predictor = null;
    try {
      Files.createDirectories(downloads);
      dir = Files.createTempDirectory(downloads, mv.name() + "-" + mv.version() + "-");
      Path modelDir = registry.download(key, dir);
      predictor = loader.load(modelDir, mv);
      if (predictor == null) {
        throw new MlopsException("the ModelLoader returned null for " + key);
      }
      if (warmup.isPresent()) {
        List<O> out = predictor.predict(List.of(warmup.get()));
        if (out == null || out.size() != 1) {
          throw new MlopsException(
              "warm-up of "
                  + key
                  + " returned "
                  + (out == null ? "null" : out.size() + " outputs"));
        }
      }
    } catch (Exception | LinkageError | AssertionError e) {
      endpoint.module().metrics().loadFailures.labelValues(endpoint.name(), endpoint.model()).inc();
      log.error(
          "endpoint {}: model version {} failed to load or warm up; it is not swapped in",
          endpoint.name(),
          key,
          e);
      if (predictor instanceof AutoCloseable) {
        try {
          ((AutoCloseable) predictor).close();
        } catch (Exception ce) {
          log.debug("closing the failed predictor of {} failed", key, ce);
        }
      }
      deleteQuietly(dir);
      return Optional.empty();
    }
    Path toDelete = dir;
    return Optional.of(
        endpoint.newSlot(Integer.toString(mv.version()), predictor, () -> deleteQuietly(toDelete)));
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  log.debug("cannot delete {}", p, e);
                }
              });
    } catch (IOException e) {
      log.debug("cannot delete {}", dir, e);
    }
  }

  /** Stops following; does not wait for a load in progress (its result is then discarded). */
  void stop() {
    stopped = true;
    synchronized (watches) {
      for (ModelRegistry.Watch w : watches) {
        try {
          w.close();
        } catch (RuntimeException e) {
          log.debug("closing a registry watch failed", e);
        }
      }
      watches.clear();
    }
    ScheduledFuture<?> s = schedule;
    if (s != null) {
      s.cancel(false);
    }
  }
}
