package dev.mlops.serving.internal;

import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.DeadlineExceededException;
import dev.mlops.serving.NotReadyException;
import dev.mlops.serving.OverloadedException;
import dev.mlops.serving.ParameterizedPredictor;
import dev.mlops.serving.PredictionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one model version's predictor: directly on the caller's thread when batching is off, or
 * through a queue that a dispatcher thread cuts into batches (fixed window or adaptive). Bounded
 * queue, per-request deadlines, guarded predictor. Thread-safe.
 */
final class Dispatcher<I, O> {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** One queued input. */
  static final class Job<I, O> {
    final I input;
    final Map<String, Object> params;
    final long enqueued;
    final long deadline;
    final CompletableFuture<O> future = new CompletableFuture<>();

    Job(I input, Map<String, Object> params, long enqueued, long deadline) {
      this.input = input;
      this.params = params;
      this.enqueued = enqueued;
      this.deadline = deadline;
    }
  }

  private final String label;
  private final BatchPredictor<I, O> predictor;
  private final BatchSettings settings;
  private final ServingMetrics.SlotMetrics metrics;
  private final CostModel cost = new CostModel();
  private final Semaphore running;
  private final AtomicInteger waiting = new AtomicInteger();
  private final ExecutorService asyncExecutor;

  // batching mode only
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Job<I, O>> queue = new ArrayDeque<>();
  private final ExecutorService workers;
  private final Thread dispatcherThread;
  private long lastArrival;
  private double gapEwmaNanos = 1_000_000;
  private long arrivals;

  private volatile boolean closing;
  private volatile boolean warnedIgnoredParams;

  Dispatcher(
      String label,
      BatchPredictor<I, O> predictor,
      BatchSettings settings,
      ServingMetrics.SlotMetrics metrics,
      ExecutorService asyncExecutor) {
    this.label = label;
    this.predictor = predictor;
    this.settings = settings;
    this.metrics = metrics;
    this.asyncExecutor = asyncExecutor;
    this.running = new Semaphore(settings.concurrency());
    if (settings.mode() == BatchSettings.Mode.OFF) {
      workers = null;
      dispatcherThread = null;
    } else {
      workers =
          new ThreadPoolExecutor(
              settings.concurrency(),
              settings.concurrency(),
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              r -> daemon(r, "mlops-serving-worker-" + label));
      dispatcherThread = daemon(this::dispatchLoop, "mlops-serving-batcher-" + label);
      dispatcherThread.start();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  boolean batching() {
    return settings.mode() != BatchSettings.Mode.OFF;
  }

  /** Requests waiting for the predictor. */
  int queueDepth() {
    if (!batching()) {
      return waiting.get();
    }
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Batching off: runs the predictor on the caller's thread once a concurrency slot is free.
   *
   * @throws OverloadedException when maxQueue callers already wait
   * @throws DeadlineExceededException when no slot frees before the deadline, or the model answers
   *     after it
   */
  List<O> callDirect(List<I> inputs, Map<String, Object> params, long arrival) {
    checkOpen();
    if (!running.tryAcquire()) {
      if (waiting.incrementAndGet() > settings.maxQueue()) {
        waiting.decrementAndGet();
        throw overloaded();
      }
      try {
        long remaining = arrival + settings.timeoutNanos() - System.nanoTime();
        if (remaining <= 0 || !running.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
          throw deadline("waited for a free predictor slot beyond the timeout");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NotReadyException("interrupted while waiting for the predictor of " + label, e);
      } finally {
        waiting.decrementAndGet();
      }
    }
    List<O> out;
    try {
      metrics.queueTime(System.nanoTime() - arrival);
      out = invoke(inputs, params);
    } finally {
      running.release();
    }
    if (System.nanoTime() - arrival > settings.timeoutNanos()) {
      // as with batching on, where the caller stops waiting at the deadline: never answer late
      throw deadline("the model answered after the deadline; its answer is discarded");
    }
    return out;
  }

  /**
   * Queues the inputs (all or none) and returns one future per input. A batch only groups inputs
   * whose {@code params} are equal.
   *
   * @throws OverloadedException when the queue has no room for all of them
   */
  List<CompletableFuture<O>> submit(List<I> inputs, Map<String, Object> params, long arrival) {
    checkOpen();
    long deadline = arrival + settings.timeoutNanos();
    if (!batching()) {
      boolean haveSlot = running.tryAcquire();
      if (!haveSlot && waiting.incrementAndGet() > settings.maxQueue()) {
        waiting.decrementAndGet();
        throw overloaded();
      }
      CompletableFuture<List<O>> all = new CompletableFuture<>();
      try {
        asyncExecutor.execute(() -> runAsync(inputs, params, arrival, haveSlot, all));
      } catch (RuntimeException e) {
        if (haveSlot) {
          running.release();
        } else {
          waiting.decrementAndGet();
        }
        throw new NotReadyException("the serving executor is shut down", e);
      }
      List<CompletableFuture<O>> out = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        int index = i;
        out.add(all.thenApply(list -> list.get(index)));
      }
      return out;
    }
    if (inputs.size() > settings.maxQueue()) {
      // it could never fit, so "retry later" (503) would be a lie
      throw new dev.mlops.InvalidInputException(
          "inputs",
          inputs.size() + " inputs",
          "at most maxQueue = "
              + settings.maxQueue()
              + " inputs in one request to a batching endpoint (split the request or raise"
              + " maxQueue)");
    }
    List<Job<I, O>> jobs = new ArrayList<>(inputs.size());
    for (I input : inputs) {
      jobs.add(new Job<>(input, params, arrival, deadline));
    }
    lock.lock();
    try {
      if (closing) {
        throw new NotReadyException("the model version " + label + " is closed");
      }
      if (queue.size() + jobs.size() > settings.maxQueue()) {
        throw overloaded();
      }
      boolean wasEmpty = queue.isEmpty();
      queue.addAll(jobs);
      long now = System.nanoTime();
      if (arrivals++ > 0) {
        gapEwmaNanos = 0.8 * gapEwmaNanos + 0.2 * (now - lastArrival);
      }
      lastArrival = now;
      if (wasEmpty
          || settings.mode() == BatchSettings.Mode.ADAPTIVE
          || queue.size() >= settings.maxBatchSize()) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    List<CompletableFuture<O>> out = new ArrayList<>(jobs.size());
    for (Job<I, O> j : jobs) {
      out.add(j.future);
    }
    return out;
  }

  /** Batching off, asynchronous: the request was counted as running or waiting by submit. */
  private void runAsync(
      List<I> inputs,
      Map<String, Object> params,
      long arrival,
      boolean haveSlot,
      CompletableFuture<List<O>> result) {
    try {
      if (!haveSlot) {
        try {
          long remaining = arrival + settings.timeoutNanos() - System.nanoTime();
          if (remaining <= 0 || !running.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
            throw deadline("waited for a free predictor slot beyond the timeout");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new NotReadyException("interrupted while waiting for the predictor of " + label, e);
        } finally {
          waiting.decrementAndGet();
        }
      }
      try {
        metrics.queueTime(System.nanoTime() - arrival);
        result.complete(invoke(inputs, params));
      } finally {
        running.release();
      }
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
  }

  private void checkOpen() {
    if (closing) {
      throw new NotReadyException("the model version " + label + " is closed");
    }
  }

  private OverloadedException overloaded() {
    return new OverloadedException(
        "endpoint "
            + label
            + " is overloaded: "
            + settings.maxQueue()
            + " requests already wait (maxQueue); retry later",
        retryAfter());
  }

  private DeadlineExceededException deadline(String why) {
    return new DeadlineExceededException(
        "endpoint "
            + label
            + " refused a request that could not be answered within its timeout of "
            + Duration.ofNanos(settings.timeoutNanos()).toMillis()
            + " ms: "
            + why,
        retryAfter());
  }

  private DeadlineExceededException budgetExceeded(long budgetNanos) {
    return new DeadlineExceededException(
        "endpoint "
            + label
            + " shed a request: its predicted completion exceeds the adaptive batching latency"
            + " budget of "
            + Duration.ofNanos(budgetNanos).toMillis()
            + " ms",
        retryAfter());
  }

  private Duration retryAfter() {
    long perBatch = Math.max(cost.predict(settings.maxBatchSize()), 1_000_000);
    long batches = 1L + queueDepthUnlocked() / Math.max(1, settings.maxBatchSize());
    long nanos = perBatch * batches / Math.max(1, settings.concurrency());
    return Duration.ofSeconds(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
  }

  private int queueDepthUnlocked() {
    return batching() ? queue.size() : waiting.get();
  }

  private List<O> invoke(List<I> inputs, Map<String, Object> params) {
    long start = System.nanoTime();
    List<O> out;
    try {
      List<I> batch = Collections.unmodifiableList(inputs);
      if (predictor instanceof ParameterizedPredictor<I, O> p) {
        out = p.predict(batch, params);
      } else {
        if (!params.isEmpty() && !warnedIgnoredParams) {
          warnedIgnoredParams = true;
          log.warn(
              "the model of endpoint {} takes no parameters (it is not a ParameterizedPredictor);"
                  + " the request parameters {} are ignored",
              label,
              params.keySet());
        }
        out = predictor.predict(batch);
      }
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      log.warn("the predictor of {} failed on a batch of {}", label, inputs.size(), e);
      throw new PredictionException("the model of endpoint " + label + " failed: " + e, e);
    } finally {
      if (batching()) {
        cost.observe(inputs.size(), System.nanoTime() - start);
      }
      metrics.batch(inputs.size());
    }
    if (out == null || out.size() != inputs.size()) {
      throw new PredictionException(
          "the model of endpoint "
              + label
              + " returned "
              + (out == null ? "null" : out.size() + " outputs")
              + " for "
              + inputs.size()
              + " inputs; a BatchPredictor must return one output per input",
          null);
    }
    return out;
  }

  private void dispatchLoop() {
    while (true) {
      List<Job<I, O>> batch;
      lock.lock();
      try {
        while (queue.isEmpty() && !closing) {
          changed.awaitUninterruptibly();
        }
        if (queue.isEmpty()) {
          return;
        }
      } finally {
        lock.unlock();
      }
      running.acquireUninterruptibly();
      lock.lock();
      try {
        batch = cut();
      } catch (RuntimeException | Error e) {
        running.release();
        throw e;
      } finally {
        lock.unlock();
      }
      if (batch.isEmpty()) {
        running.release();
        continue;
      }
      List<Job<I, O>> toRun = batch;
      try {
        workers.execute(
            () -> {
              try {
                runBatch(toRun);
              } finally {
                running.release();
              }
            });
      } catch (RuntimeException e) {
        running.release();
        for (Job<I, O> j : toRun) {
          j.future.completeExceptionally(new NotReadyException("endpoint " + label + " closed", e));
        }
      }
    }
  }

  /** With the lock held and a worker slot taken: waits per the policy, then takes a batch. */
  private List<Job<I, O>> cut() {
    int max = settings.maxBatchSize();
    while (!queue.isEmpty() && queue.size() < max && !closing) {
      long now = System.nanoTime();
      Job<I, O> oldest = queue.peekFirst();
      if (settings.mode() == BatchSettings.Mode.FIXED) {
        long remaining = oldest.enqueued + settings.maxWaitNanos() - now;
        if (remaining <= 0) {
          break;
        }
        awaitNanos(remaining);
        continue;
      }
      // adaptive
      if (!cost.fitted()) {
        break;
      }
      double a = cost.perRowNanos();
      double b = cost.perBatchNanos();
      long budget = settings.maxWaitNanos();
      int n = queue.size();
      // shed: the oldest cannot finish within the budget even if dispatched now
      while (n > 1 && (now - queue.peekFirst().enqueued) + a * n + b > budget) {
        Job<I, O> shed = queue.pollFirst();
        shed.future.completeExceptionally(budgetExceeded(budget));
        n--;
      }
      oldest = queue.peekFirst();
      double gap = gapEwmaNanos;
      long w0 = now - oldest.enqueued;
      // waiting one more arrival delays the n queued requests by (gap + a) each; it is worth it
      // only while that is less than the fixed cost b the newcomer would otherwise pay alone
      if (n * (gap + a) > b || w0 + gap + a * (n + 1) + b > budget) {
        break;
      }
      long before = arrivals;
      awaitNanos((long) Math.max(20_000, Math.min(2 * gap, budget - w0)));
      if (arrivals == before) {
        break;
      }
    }
    int take = sameParams(Math.min(max, queue.size()));
    List<Job<I, O>> batch = new ArrayList<>(take);
    long now = System.nanoTime();
    long expected = cost.predict(take);
    for (int i = 0; i < take; i++) {
      Job<I, O> j = queue.pollFirst();
      if (j.future.isDone()) {
        continue;
      }
      if (now + expected > j.deadline) {
        j.future.completeExceptionally(
            deadline(
                now > j.deadline
                    ? "it waited in the queue beyond the timeout"
                    : "its batch is predicted to finish after the deadline"));
        continue;
      }
      metrics.queueTime(now - j.enqueued);
      batch.add(j);
    }
    return batch;
  }

  /** How many of the first {@code limit} queued jobs share the oldest job's parameters. */
  private int sameParams(int limit) {
    Map<String, Object> first = queue.isEmpty() ? Map.of() : queue.peekFirst().params;
    int n = 0;
    for (Job<I, O> j : queue) {
      if (n == limit || (j.params != first && !j.params.equals(first))) {
        break;
      }
      n++;
    }
    return n;
  }

  @SuppressWarnings("WaitNotInLoop") // callers loop and re-check their condition
  private void awaitNanos(long nanos) {
    try {
      changed.awaitNanos(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runBatch(List<Job<I, O>> batch) {
    List<I> inputs = new ArrayList<>(batch.size());
    for (Job<I, O> j : batch) {
      inputs.add(j.input);
    }
    List<O> out;
    try {
      out = invoke(inputs, batch.get(0).params);
    } catch (RuntimeException e) {
      for (Job<I, O> j : batch) {
        j.future.completeExceptionally(e);
      }
      return;
    } catch (Error e) {
      for (Job<I, O> j : batch) {
        j.future.completeExceptionally(new PredictionException("the model failed: " + e, e));
      }
      throw e;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future.complete(out.get(i));
    }
  }

  /**
   * Stops accepting, lets queued and running batches finish (up to {@code timeout}), then closes
   * the predictor if it is {@link AutoCloseable}.
   */
  void close(Duration timeout) {
    closing = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    if (batching()) {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        dispatcherThread.join(Math.max(1, timeout.toMillis()));
        workers.shutdown();
        workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lock.lock();
      try {
        for (Job<I, O> j : queue) {
          j.future.completeExceptionally(
              new NotReadyException("endpoint " + label + " closed before answering"));
        }
        queue.clear();
      } finally {
        lock.unlock();
      }
    } else {
      try {
        if (running.tryAcquire(
            settings.concurrency(),
            Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS)) {
          running.release(settings.concurrency());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (predictor instanceof AutoCloseable) {
      try {
        ((AutoCloseable) predictor).close();
      } catch (Exception e) {
        log.warn("closing the predictor of {} failed", label, e);
      }
    }
  }
}
