package dev.mlops.serving.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointBuilder;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.VersionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Collects endpoint settings; validates them at {@link #build()}. Not thread-safe. */
final class EndpointBuilderImpl<I, O> implements EndpointBuilder<I, O> {
  static final int DEFAULT_MAX_QUEUE = 1024;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Batching off: predictor calls run on the callers' threads, which bound them already. */
  static final int DEFAULT_CONCURRENCY_UNBATCHED = 256;

  /** Batching on: worker threads running batches. */
  static final int DEFAULT_CONCURRENCY_BATCHED =
      Math.max(2, Runtime.getRuntime().availableProcessors());

  private record Plain<I, O>(String version, BatchPredictor<I, O> predictor, double weight) {}

  private final ServingModule module;
  private final String name;
  private final Class<I> inputType;
  private final BatchPredictor<I, O> predictor;
  private final String ref;
  private final ModelLoader<I, O> loader;

  private BatchSettings.Mode mode = BatchSettings.Mode.OFF;
  private int maxBatchSize = 1;
  private Duration maxWait = Duration.ZERO;
  private int maxQueue = DEFAULT_MAX_QUEUE;
  private Duration timeout = DEFAULT_TIMEOUT;
  private int concurrency; // 0: the default for the batching mode
  private double sampleRate;
  private boolean sampleRateSet; // not set: log all when shadows exist, else none
  private final Set<String> redact = new LinkedHashSet<>();
  private Optional<I> warmup = Optional.empty();
  private String version = "";
  private final List<Plain<I, O>> canaries = new ArrayList<>();
  private final List<Plain<I, O>> shadows = new ArrayList<>();
  private final List<RegistryFollower.Ref> refCanaries = new ArrayList<>();
  private final List<RegistryFollower.Ref> refShadows = new ArrayList<>();
  private Duration refreshInterval = Duration.ofSeconds(5);

  EndpointBuilderImpl(
      ServingModule module, String name, Class<I> inputType, BatchPredictor<I, O> predictor) {
    this.module = module;
    this.name = name;
    this.inputType = inputType;
    this.predictor = predictor;
    this.ref = null;
    this.loader = null;
  }

  EndpointBuilderImpl(
      ServingModule module, String ref, Class<I> inputType, ModelLoader<I, O> loader) {
    this.module = module;
    this.name = null;
    this.inputType = inputType;
    this.predictor = null;
    this.ref = ref;
    this.loader = loader;
  }

  @Override
  public EndpointBuilder<I, O> batching(int maxBatchSize, Duration maxWait) {
    this.mode = BatchSettings.Mode.FIXED;
    this.maxBatchSize = maxBatchSize;
    this.maxWait = maxWait;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> adaptiveBatching(int maxBatchSize, Duration maxLatency) {
    this.mode = BatchSettings.Mode.ADAPTIVE;
    this.maxBatchSize = maxBatchSize;
    this.maxWait = maxLatency;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> maxQueue(int maxQueue) {
    this.maxQueue = maxQueue;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> concurrency(int concurrency) {
    if (concurrency == 0) {
      throw new InvalidInputException("concurrency", 0, "between 1 and 1024");
    }
    this.concurrency = concurrency;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> logging(double sampleRate) {
    this.sampleRate = sampleRate;
    this.sampleRateSet = true;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> redact(String... fields) {
    for (String f : Objects.requireNonNull(fields, "fields")) {
      if (f == null || f.isBlank()) {
        throw new InvalidInputException("redact", f, "a non-empty field name");
      }
      redact.add(f);
    }
    return this;
  }

  @Override
  public EndpointBuilder<I, O> warmup(I sampleInput) {
    this.warmup = Optional.of(Objects.requireNonNull(sampleInput, "sampleInput"));
    return this;
  }

  @Override
  public EndpointBuilder<I, O> version(String label) {
    this.version = label;
    return this;
  }

  @Override
  public EndpointBuilder<I, O> canary(String version, BatchPredictor<I, O> predictor, double w) {
    canaries.add(new Plain<>(version, predictor, w));
    return this;
  }

  @Override
  public EndpointBuilder<I, O> shadow(String version, BatchPredictor<I, O> predictor) {
    shadows.add(new Plain<>(version, predictor, 0));
    return this;
  }

  @Override
  public EndpointBuilder<I, O> canary(String ref, double weight) {
    refCanaries.add(new RegistryFollower.Ref(ref, VersionInfo.Role.CANARY, weight));
    return this;
  }

  @Override
  public EndpointBuilder<I, O> shadow(String ref) {
    refShadows.add(new RegistryFollower.Ref(ref, VersionInfo.Role.SHADOW, 0));
    return this;
  }

  @Override
  public EndpointBuilder<I, O> refreshInterval(Duration interval) {
    this.refreshInterval = interval;
    return this;
  }

  private BatchSettings settings() {
    if (maxBatchSize < 1 || maxBatchSize > 100_000) {
      throw new InvalidInputException(
          "maxBatchSize", maxBatchSize, "a batch size between 1 and 100000");
    }
    if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new InvalidInputException(
          mode == BatchSettings.Mode.ADAPTIVE ? "maxLatency" : "maxWait",
          maxWait,
          "a duration between 0 and 1 minute");
    }
    if (mode == BatchSettings.Mode.ADAPTIVE && maxWait.isZero()) {
      throw new InvalidInputException("maxLatency", maxWait, "a positive latency budget");
    }
    if (maxQueue < 1) {
      throw new InvalidInputException("maxQueue", maxQueue, "at least 1 waiting request");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidInputException("timeout", timeout, "a positive duration");
    }
    int effectiveConcurrency =
        concurrency != 0
            ? concurrency
            : mode == BatchSettings.Mode.OFF
                ? DEFAULT_CONCURRENCY_UNBATCHED
                : DEFAULT_CONCURRENCY_BATCHED;
    if (effectiveConcurrency < 1 || effectiveConcurrency > 1024) {
      throw new InvalidInputException("concurrency", concurrency, "between 1 and 1024");
    }
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new InvalidInputException("sampleRate", sampleRate, "a share between 0 and 1");
    }
    return new BatchSettings(
        mode,
        mode == BatchSettings.Mode.OFF ? 1 : maxBatchSize,
        maxWait.toNanos(),
        maxQueue,
        timeout.toNanos(),
        effectiveConcurrency);
  }

  /** The sample rate for the endpoint: -1 when not set. */
  private double effectiveRate() {
    return sampleRateSet ? sampleRate : -1;
  }

  private static void checkWeight(String field, double w) {
    if (!(w >= 0 && w <= 1)) {
      throw new InvalidInputException(field, w, "a traffic weight between 0 and 1");
    }
  }

  @Override
  public Endpoint<I, O> build() {
    BatchSettings settings = settings();
    double canaryTotal = 0;
    for (Plain<I, O> c : canaries) {
      checkWeight("weight", c.weight());
      canaryTotal += c.weight();
    }
    for (RegistryFollower.Ref c : refCanaries) {
      checkWeight("weight", c.weight());
      canaryTotal += c.weight();
    }
    if (canaryTotal > 1 + 1e-9) {
      throw new InvalidInputException(
          "weight",
          canaryTotal,
          "canary weights that sum to at most 1 (the primary takes the rest)");
    }
    return predictor != null ? buildPlain(settings) : buildFromRegistry(settings);
  }

  private Endpoint<I, O> buildPlain(BatchSettings settings) {
    if (!refCanaries.isEmpty() || !refShadows.isEmpty()) {
      throw new InvalidInputException(
          "canary",
          refCanaries.isEmpty() ? refShadows.get(0).ref() : refCanaries.get(0).ref(),
          "canary(version, predictor, weight) or shadow(version, predictor) on an endpoint made"
              + " from a plain predictor; registry references need endpoint(ref, type, loader)");
    }
    if (version == null) {
      throw new InvalidInputException("version", null, "a version label (may be empty)");
    }
    Set<String> labels = new LinkedHashSet<>();
    labels.add(version);
    for (Plain<I, O> p : concat(canaries, shadows)) {
      if (p.version() == null || !labels.add(p.version())) {
        throw new InvalidInputException(
            "version", p.version(), "a version label used once per endpoint");
      }
      Objects.requireNonNull(p.predictor(), "predictor");
    }
    warmUp(predictor, version);
    for (Plain<I, O> p : concat(canaries, shadows)) {
      warmUp(p.predictor(), p.version());
    }
    EndpointImpl<I, O> ep =
        new EndpointImpl<>(module, name, name, inputType, settings, effectiveRate(), redact);
    module.register(ep);
    double canaryTotal = canaries.stream().mapToDouble(Plain::weight).sum();
    List<Routing.Route<I, O>> routes = new ArrayList<>();
    routes.add(
        new Routing.Route<>(
            ep.newSlot(version, predictor, () -> {}),
            VersionInfo.Role.PRIMARY,
            Math.max(0, 1 - canaryTotal)));
    for (Plain<I, O> c : canaries) {
      routes.add(
          new Routing.Route<>(
              ep.newSlot(c.version(), c.predictor(), () -> {}),
              VersionInfo.Role.CANARY,
              c.weight()));
    }
    List<Slot<I, O>> shadowSlots = new ArrayList<>();
    for (Plain<I, O> s : shadows) {
      shadowSlots.add(ep.newSlot(s.version(), s.predictor(), () -> {}));
    }
    Routing<I, O> routing = new Routing<>(routes, shadowSlots);
    ep.swap(old -> routing);
    return ep;
  }

  private void warmUp(BatchPredictor<I, O> p, String label) {
    if (warmup.isEmpty()) {
      return;
    }
    List<O> out;
    try {
      out = p.predict(List.of(warmup.get()));
    } catch (Exception e) {
      throw new InvalidInputException(
          "warmup", warmup.get(), "an input version '" + label + "' can answer: " + e, e);
    }
    if (out == null || out.size() != 1) {
      throw new InvalidInputException(
          "warmup", warmup.get(), "an input version '" + label + "' answers with one output");
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private Endpoint<I, O> buildFromRegistry(BatchSettings settings) {
    if (!canaries.isEmpty() || !shadows.isEmpty()) {
      throw new InvalidInputException(
          "canary",
          canaries.isEmpty() ? shadows.get(0).version() : canaries.get(0).version(),
          "canary(ref, weight) or shadow(ref) on an endpoint that follows the registry");
    }
    if (refreshInterval == null || refreshInterval.isNegative()) {
      throw new InvalidInputException(
          "refreshInterval", refreshInterval, "a duration of 0 (manual) or more");
    }
    if (ref == null || ref.isBlank()) {
      throw new InvalidInputException("ref", ref, "a registry reference such as churn#production");
    }
    Objects.requireNonNull(loader, "loader");
    return module.followRegistry(
        ref,
        inputType,
        loader,
        settings,
        effectiveRate(),
        redact,
        warmup,
        refCanaries,
        refShadows,
        refreshInterval);
  }
}
