package dev.mlops.serving.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version of an endpoint, reference-counted so that a hot swap lets in-flight
 * requests finish on it before it is closed. Thread-safe.
 */
final class Slot<I, O> {
  private final String version;
  private final Dispatcher<I, O> dispatcher;
  private final ServingMetrics.SlotMetrics metrics;
  private final Runnable afterClose;
  private final AtomicInteger users = new AtomicInteger(); // -1 once closed
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile boolean retiring;
  private volatile Executor closer;
  private volatile Duration closeTimeout;

  Slot(
      String version,
      Dispatcher<I, O> dispatcher,
      ServingMetrics.SlotMetrics metrics,
      Runnable afterClose) {
    this.version = version;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.afterClose = afterClose;
  }

  String version() {
    return version;
  }

  Dispatcher<I, O> dispatcher() {
    return dispatcher;
  }

  ServingMetrics.SlotMetrics metrics() {
    return metrics;
  }

  /** Takes a reference unless the slot is retiring; the caller must {@link #release()} it. */
  boolean tryAcquire() {
    while (true) {
      int c = users.get();
      if (c < 0 || retiring) {
        return false;
      }
      if (users.compareAndSet(c, c + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (users.decrementAndGet() == 0 && retiring) {
      tryClose();
    }
  }

  /** No new requests; closes (on {@code closer}) once the last in-flight request released it. */
  CompletableFuture<Void> retire(Executor closer, Duration timeout) {
    this.closer = closer;
    this.closeTimeout = timeout;
    retiring = true;
    tryClose();
    return closed;
  }

  private void tryClose() {
    if (users.compareAndSet(0, -1)) {
      closer.execute(
          () -> {
            try {
              dispatcher.close(closeTimeout);
              afterClose.run();
            } finally {
              closed.complete(null);
            }
          });
    }
  }
}
