package dev.mlops.serving.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.serving.DeadlineExceededException;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.NotReadyException;
import dev.mlops.serving.PredictOptions;
import dev.mlops.serving.Prediction;
import dev.mlops.serving.VersionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An endpoint: routing over reference-counted versions, logging, shadows. Thread-safe. */
final class EndpointImpl<I, O> implements Endpoint<I, O> {
  private static final Logger log = LoggerFactory.getLogger(EndpointImpl.class);

  private final ServingModule module;
  private final String name;
  private final String model;
  private final Class<I> inputType;
  private final BatchSettings settings;
  private final double sampleRate;
  private final Set<String> redact;
  private final AtomicReference<Routing<I, O>> routing = new AtomicReference<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;
  private volatile RegistryFollower<I, O> follower;

  EndpointImpl(
      ServingModule module,
      String name,
      String model,
      Class<I> inputType,
      BatchSettings settings,
      double sampleRate,
      Set<String> redact) {
    this.module = module;
    this.name = name;
    this.model = model;
    this.inputType = inputType;
    this.settings = settings;
    this.sampleRate = sampleRate;
    this.redact = Set.copyOf(redact);
  }

  void follow(RegistryFollower<I, O> f) {
    this.follower = f;
  }

  BatchSettings settings() {
    return settings;
  }

  ServingModule module() {
    return module;
  }

  @Override
  public String name() {
    return name;
  }

  String model() {
    return model;
  }

  @Override
  public Class<I> inputType() {
    return inputType;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Creates a slot for a predictor version, wired to this endpoint's settings and metrics. */
  Slot<I, O> newSlot(
      String version, dev.mlops.serving.BatchPredictor<I, O> predictor, Runnable afterClose) {
    ServingMetrics.SlotMetrics m = module.metrics().slot(name, model, version);
    String label = version.isEmpty() ? name : name + "@" + version;
    return new Slot<>(
        version,
        new Dispatcher<>(label, predictor, settings, m, module.asyncExecutor()),
        m,
        afterClose);
  }

  /** Atomically replaces the routing; versions no longer routed are retired and closed. */
  synchronized void swap(UnaryOperator<Routing<I, O>> change) {
    Routing<I, O> old = routing.get();
    Routing<I, O> next = change.apply(old);
    if (closed) {
      // a load that finished after close(): its versions never take traffic
      retireAllBut(next, old);
      return;
    }
    routing.set(next);
    retireAllBut(old, next);
  }

  /** Retires the versions of {@code from} that {@code keep} does not route. */
  private void retireAllBut(Routing<I, O> from, Routing<I, O> keep) {
    if (from == null) {
      return;
    }
    Set<Slot<I, O>> kept = keep == null ? Set.of() : keep.slots();
    for (Slot<I, O> s : from.slots()) {
      if (!kept.contains(s)) {
        CompletableFuture<Void> unused =
            s.retire(module.closer(), Duration.ofNanos(settings.timeoutNanos()));
      }
    }
  }

  Optional<Routing<I, O>> routing() {
    return Optional.ofNullable(routing.get());
  }

  void forEachSlot(Consumer<Slot<I, O>> action) {
    Routing<I, O> r = routing.get();
    if (r != null) {
      r.slots().forEach(action);
    }
  }

  @Override
  public O predict(I input) {
    return predictAll(List.of(nonNull(input, "input")), PredictOptions.defaults()).outputs().get(0);
  }

  @Override
  public List<O> predictAll(List<I> inputs) {
    return predictAll(inputs, PredictOptions.defaults()).outputs();
  }

  private static <T> T nonNull(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, null, "a non-null input");
    }
    return value;
  }

  private void checkInputs(List<I> inputs) {
    if (inputs == null || inputs.isEmpty()) {
      throw new InvalidInputException("inputs", inputs, "at least one input");
    }
    for (int i = 0; i < inputs.size(); i++) {
      nonNull(inputs.get(i), "inputs[" + i + "]");
    }
  }

  private Slot<I, O> acquire(PredictOptions options) {
    while (true) {
      Routing<I, O> r = routing.get();
      if (r == null || closed) {
        throw new NotReadyException(
            closed
                ? "endpoint " + name + " is closed"
                : "endpoint " + name + " has no model version loaded yet");
      }
      Slot<I, O> s =
          options.version().isPresent()
              ? r.find(options.version().get())
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "endpoint "
                                  + name
                                  + " has no loaded version '"
                                  + options.version().get()
                                  + "'; loaded: "
                                  + versions()))
              : r.pick(options.routingKey());
      if (s.tryAcquire()) {
        return s;
      }
      Thread.onSpinWait();
    }
  }

  @Override
  public Prediction<O> predictAll(List<I> inputs, PredictOptions options) {
    long arrival = System.nanoTime();
    long timestamp = System.currentTimeMillis();
    inFlight.incrementAndGet();
    try {
      Slot<I, O> slot;
      try {
        checkInputs(inputs);
        slot = acquire(options);
      } catch (RuntimeException e) {
        module.metrics().refused(name, model, ServingMetrics.status(e));
        throw e;
      }
      String requestId = options.requestId().orElseGet(() -> newRequestId());
      List<O> out;
      try {
        Dispatcher<I, O> d = slot.dispatcher();
        out =
            d.batching()
                ? await(d.submit(inputs, options.params(), arrival), arrival)
                : d.callDirect(inputs, options.params(), arrival);
      } catch (RuntimeException | Error e) {
        slot.metrics().failed(e);
        throw e;
      } finally {
        slot.release();
      }
      long latency = System.nanoTime() - arrival;
      slot.metrics().answered(latency);
      boolean sampled = options.log() && sampled();
      if (sampled) {
        logAll(slot.version(), requestId, inputs, out, latency, timestamp);
      }
      shadow(inputs, options.params(), requestId, sampled, timestamp);
      return new Prediction<>(out, slot.version(), requestId);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** A random UUID-formatted id without SecureRandom's cost and lock. */
  static String newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new java.util.UUID(
            (r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & ~(3L << 62)) | (1L << 63))
        .toString();
  }

  private boolean sampled() {
    double rate = effectiveSampleRate();
    return rate >= 1 || (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate);
  }

  private double effectiveSampleRate() {
    if (sampleRate >= 0) {
      return sampleRate; // set explicitly, 0 included
    }
    Routing<I, O> r = routing.get();
    // not set: shadow answers exist only to be logged, so with shadows log every request
    return r != null && !r.shadows().isEmpty() ? 1.0 : 0.0;
  }

  private List<O> await(List<CompletableFuture<O>> futures, long arrival) {
    List<O> out = new ArrayList<>(futures.size());
    long deadline = arrival + settings.timeoutNanos();
    for (CompletableFuture<O> f : futures) {
      try {
        long left = deadline - System.nanoTime();
        out.add(f.isDone() ? f.get() : f.get(Math.max(0, left), TimeUnit.NANOSECONDS));
      } catch (ExecutionException e) {
        futures.forEach(x -> x.cancel(false));
        Throwable c = e.getCause();
        if (c instanceof RuntimeException) {
          throw (RuntimeException) c;
        }
        if (c instanceof Error) {
          throw (Error) c;
        }
        throw new dev.mlops.serving.PredictionException("prediction failed: " + c, c);
      } catch (TimeoutException e) {
        futures.forEach(x -> x.cancel(false));
        throw new DeadlineExceededException(
            "endpoint "
                + name
                + " did not answer within its timeout of "
                + Duration.ofNanos(settings.timeoutNanos()).toMillis()
                + " ms",
            Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NotReadyException("interrupted while waiting for endpoint " + name, e);
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<O> predictAsync(I input) {
    long arrival = System.nanoTime();
    long timestamp = System.currentTimeMillis();
    Slot<I, O> slot;
    try {
      nonNull(input, "input");
      slot = acquire(PredictOptions.defaults());
    } catch (RuntimeException e) {
      module.metrics().refused(name, model, ServingMetrics.status(e));
      return CompletableFuture.failedFuture(e);
    }
    String requestId = newRequestId();
    CompletableFuture<O> f;
    inFlight.incrementAndGet();
    try {
      f = slot.dispatcher().submit(List.of(input), Map.of(), arrival).get(0);
    } catch (RuntimeException e) {
      slot.release();
      inFlight.decrementAndGet();
      slot.metrics().failed(e);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<O> result = new CompletableFuture<>();
    f.whenComplete(
        (o, e) -> {
          slot.release();
          inFlight.decrementAndGet();
          if (e != null) {
            Throwable cause = unwrap(e);
            slot.metrics().failed(cause);
            result.completeExceptionally(cause);
            return;
          }
          long latency = System.nanoTime() - arrival;
          slot.metrics().answered(latency);
          boolean sampled = sampled();
          if (sampled) {
            logAll(slot.version(), requestId, List.of(input), List.of(o), latency, timestamp);
          }
          shadow(List.of(input), Map.of(), requestId, sampled, timestamp);
          result.complete(o);
        });
    return result;
  }

  private static Throwable unwrap(Throwable e) {
    if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      return e.getCause();
    }
    return e;
  }

  private void logAll(
      String version,
      String requestId,
      List<I> inputs,
      List<O> outputs,
      long latencyNanos,
      long timestamp) {
    double ms = latencyNanos / 1e6;
    for (int i = 0; i < inputs.size(); i++) {
      String rid = inputs.size() == 1 ? requestId : requestId + "/" + i;
      module
          .predictionLog()
          .offer(
              new PredictionLog.Pending(
                  name, version, rid, inputs.get(i), outputs.get(i), ms, timestamp, redact));
    }
  }

  private void shadow(
      List<I> inputs,
      Map<String, Object> params,
      String requestId,
      boolean sampled,
      long timestamp) {
    Routing<I, O> r = routing.get();
    if (r == null || r.shadows().isEmpty() || !sampled) {
      return;
    }
    for (Slot<I, O> s : r.shadows()) {
      if (!s.tryAcquire()) {
        continue;
      }
      long arrival = System.nanoTime();
      List<CompletableFuture<O>> futures;
      try {
        futures = s.dispatcher().submit(inputs, params, arrival);
      } catch (RuntimeException e) {
        s.release();
        s.metrics().shadowFailures.inc();
        continue;
      }
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .whenComplete(
              (v, e) -> {
                s.release();
                if (e != null) {
                  s.metrics().shadowFailures.inc();
                  log.debug("shadow version {} of {} failed: {}", s.version(), name, e.toString());
                  return;
                }
                long latency = System.nanoTime() - arrival;
                s.metrics().answered(latency);
                List<O> outs = new ArrayList<>(futures.size());
                futures.forEach(x -> outs.add(x.join()));
                logAll(s.version(), requestId, inputs, outs, latency, timestamp);
              });
    }
  }

  @Override
  public boolean ready() {
    return !closed && routing.get() != null;
  }

  @Override
  public String modelVersion() {
    Routing<I, O> r = routing.get();
    return r == null ? "" : r.primary().version();
  }

  @Override
  public List<VersionInfo> versions() {
    Routing<I, O> r = routing.get();
    return r == null ? List.of() : r.versions();
  }

  @Override
  public boolean refresh() {
    RegistryFollower<I, O> f = follower;
    if (f == null || closed) {
      return false;
    }
    return f.refresh();
  }

  /** Whether this endpoint was made from a registry reference. */
  boolean followsRegistry() {
    return follower != null;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RegistryFollower<I, O> f = follower;
    if (f != null) {
      f.stop();
    }
    module.unregister(this);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    synchronized (this) {
      Routing<I, O> old = routing.getAndSet(null);
      if (old != null) {
        for (Slot<I, O> s : old.slots()) {
          closing.add(s.retire(module.closer(), Duration.ofNanos(settings.timeoutNanos())));
        }
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(settings.timeoutNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("endpoint {} did not close cleanly: {}", name, e.toString());
    }
  }

  @Override
  public String toString() {
    return "Endpoint{" + name + ", versions=" + versions() + "}";
  }
}
