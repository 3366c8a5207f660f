package dev.mlops.tracking.internal;

import dev.mlops.MlopsException;
import dev.mlops.StoreException;
import dev.mlops.spi.RunMetric;
import dev.mlops.spi.TrackingStore;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background writer of metric points: callers append to a bounded buffer (waiting when it is
 * full, never dropping), one daemon thread takes everything buffered and writes it to the store in
 * one transaction per chunk (group commit). Thread-safe.
 *
 * <p>Points are numbered in buffer order under the lock, so "every point appended before {@link
 * #flush()} was called is committed" is simply {@code committed >= appended}.
 */
final class MetricWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricWriter.class);

  private final TrackingStore store;
  private final int capacity;
  private final int chunk;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final Condition progressed = lock.newCondition();
  private final Thread thread;

  private ArrayList<RunMetric> buffer;
  private long appended;
  private long committed;
  private RuntimeException failure;
  private boolean closing;
  private boolean stopped;

  MetricWriter(TrackingStore store, int capacity, int chunk) {
    this.store = store;
    this.capacity = capacity;
    this.chunk = chunk;
    this.buffer = new ArrayList<>(Math.min(capacity, 1 << 16));
    this.thread = new Thread(this::loop, "mlops-metric-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a point; waits while the buffer is full. */
  void append(RunMetric point) {
    lock.lock();
    try {
      while (buffer.size() >= capacity && !stopped) {
        notFull.awaitUninterruptibly();
      }
      if (stopped) {
        throw new MlopsException("tracking is closed: metric " + point.key() + " was not logged");
      }
      buffer.add(point);
      appended++;
      if (buffer.size() == 1) {
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until every point appended before this call is committed; throws {@link StoreException}
   * if a batch among them could not be written.
   */
  void flush() {
    lock.lock();
    try {
      long target = appended;
      notEmpty.signal();
      while (committed < target) {
        if (stopped && !thread.isAlive()) {
          break;
        }
        progressed.awaitUninterruptibly();
      }
      if (failure != null) {
        throw new StoreException(
            "metric points could not be written (see the log): " + failure.getMessage(), failure);
      }
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (true) {
      ArrayList<RunMetric> batch;
      long upTo;
      lock.lock();
      try {
        while (buffer.isEmpty() && !closing) {
          notEmpty.awaitUninterruptibly();
        }
        if (buffer.isEmpty()) {
          stopped = true;
          progressed.signalAll();
          notFull.signalAll();
          return;
        }
        batch = buffer;
        buffer = new ArrayList<>(Math.min(capacity, Math.max(1024, batch.size())));
        upTo = appended;
        notFull.signalAll();
      } finally {
        lock.unlock();
      }
      RuntimeException error = null;
      for (int from = 0; from < batch.size(); from += chunk) {
        try {
          store.logMetrics(batch.subList(from, Math.min(batch.size(), from + chunk)));
        } catch (RuntimeException e) {
          log.error("could not write {} metric points", batch.size() - from, e);
          error = e;
          break;
        }
      }
      lock.lock();
      try {
        committed = upTo;
        if (error != null) {
          failure = error;
        }
        progressed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Writes what is buffered, then stops the thread. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
