package dev.mlops.registry.internal;

import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.RefListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the registry's change counter and tells listeners when their reference resolves to another
 * version. One daemon thread per registry, started by the first watch and stopped by close.
 */
final class Watcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);

  private final DefaultModelRegistry registry;
  private final long intervalMs;
  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService executor;
  private long lastGeneration = Long.MIN_VALUE;
  private boolean closed;

  private final class Entry implements ModelRegistry.Watch {
    final ModelRef ref;
    final RefListener listener;
    volatile Optional<ModelVersion> last;

    Entry(ModelRef ref, RefListener listener, Optional<ModelVersion> last) {
      this.ref = ref;
      this.listener = listener;
      this.last = last;
    }

    @Override
    public void close() {
      entries.remove(this);
    }
  }

  Watcher(DefaultModelRegistry registry, long intervalMs) {
    this.registry = registry;
    this.intervalMs = intervalMs;
  }

  ModelRegistry.Watch add(ModelRef ref, RefListener listener) {
    Entry e = new Entry(ref, listener, registry.find(ref));
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the registry is closed");
      }
      entries.add(e);
      if (executor == null) {
        executor =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "mlops-registry-watch");
                  t.setDaemon(true);
                  return t;
                });
        executor.scheduleWithFixedDelay(this::check, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
      }
    }
    return e;
  }

  /** Checks soon (after a local change). */
  void nudge() {
    ScheduledExecutorService ex;
    synchronized (this) {
      ex = executor;
    }
    if (ex != null && !entries.isEmpty()) {
      try {
        ex.execute(this::check);
      } catch (RejectedExecutionException closing) {
        // closed concurrently: nothing to tell
      }
    }
  }

  private void check() {
    try {
      long gen = registry.generation();
      if (gen == lastGeneration) {
        return;
      }
      lastGeneration = gen;
      for (Entry e : entries) {
        Optional<ModelVersion> now = registry.find(e.ref);
        Optional<ModelVersion> before = e.last;
        if (!key(before).equals(key(now))) {
          e.last = now;
          try {
            e.listener.changed(e.ref, before, now);
          } catch (RuntimeException | Error ex) {
            log.warn("a registry listener for {} failed", e.ref, ex);
          }
        }
      }
    } catch (RuntimeException ex) {
      log.warn("checking watched model references failed; will retry", ex);
    }
  }

  private static Optional<String> key(Optional<ModelVersion> v) {
    return v.map(x -> x.name() + "@" + x.version() + "/" + x.digest());
  }

  @Override
  public void close() {
    ScheduledExecutorService ex;
    synchronized (this) {
      closed = true;
      ex = executor;
      executor = null;
    }
    entries.clear();
    if (ex != null) {
      ex.shutdownNow();
      try {
        ex.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
