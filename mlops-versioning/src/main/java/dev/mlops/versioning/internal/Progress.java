package dev.mlops.versioning.internal;

import dev.mlops.ProgressListener;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts units done and reports to a listener at most every {@link #INTERVAL_NS}, plus the first
 * and last calls, so per-file progress costs a counter increment. Thread-safe.
 */
final class Progress {
  private static final Logger log = LoggerFactory.getLogger(Progress.class);
  static final long INTERVAL_NS = 100_000_000L;

  private final ProgressListener listener;
  private final String task;
  private final long total;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong next = new AtomicLong();

  Progress(ProgressListener listener, String task, long total) {
    this.listener = listener == null ? ProgressListener.NONE : listener;
    this.task = task;
    this.total = total;
    next.set(System.nanoTime() + INTERVAL_NS);
  }

  /** Reports the start (0 of total). */
  Progress start() {
    report(listener, task, 0, total);
    return this;
  }

  /** Adds {@code n} units done; reports when the interval elapsed or everything is done. */
  void add(long n) {
    long d = done.addAndGet(n);
    if (listener == ProgressListener.NONE) {
      return;
    }
    if (d == total) {
      report(listener, task, d, total);
      return;
    }
    long now = System.nanoTime();
    long due = next.get();
    if (now - due >= 0 && next.compareAndSet(due, now + INTERVAL_NS)) {
      report(listener, task, d, total);
    }
  }

  long done() {
    return done.get();
  }

  static void report(ProgressListener l, String task, long done, long total) {
    try {
      l.progress(task, done, total);
    } catch (RuntimeException e) {
      log.warn("progress listener failed on {}: {}", task, e.toString());
    }
  }
}
