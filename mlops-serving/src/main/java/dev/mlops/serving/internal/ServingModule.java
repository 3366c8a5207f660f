package dev.mlops.serving.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelVersion;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointBuilder;
import dev.mlops.serving.ModelLoader;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.PredictionRecord;
import dev.mlops.serving.RequestHandler;
import dev.mlops.serving.Serving;
import dev.mlops.serving.VersionInfo;
import dev.mlops.spi.ModuleContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving module of one {@code Mlops} instance: owns the endpoints, servers, metrics, the
 * prediction log and the background threads; {@link #close()} stops them in order. Thread-safe.
 */
public final class ServingModule implements Serving, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServingModule.class);

  private final ModuleContext context;
  private final ObjectMapper mapper;
  private final ServingMetrics metrics;
  private final PredictionLog predictionLog;
  private final ConcurrentHashMap<String, EndpointImpl<?, ?>> endpoints = new ConcurrentHashMap<>();
  private final List<JdkModelServer> servers = new ArrayList<>();
  private final ExecutorService asyncExecutor;
  private final ExecutorService closer;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  public ServingModule(ModuleContext context) {
    this.context = Objects.requireNonNull(context, "context");
    this.mapper = newMapper();
    this.metrics = new ServingMetrics(this::endpointList);
    this.predictionLog =
        new PredictionLog(
            context::database,
            context.config().get("serving.log.jsonl").map(d -> context.home().resolve(d)),
            mapper,
            metrics);
    this.asyncExecutor = Executors.newCachedThreadPool(daemon("mlops-serving-async"));
    this.closer = Executors.newCachedThreadPool(daemon("mlops-serving-closer"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("mlops-serving-refresh"));
  }

  static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .build();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  ObjectMapper mapper() {
    return mapper;
  }

  ServingMetrics metrics() {
    return metrics;
  }

  PredictionLog predictionLog() {
    return predictionLog;
  }

  ExecutorService asyncExecutor() {
    return asyncExecutor;
  }

  ExecutorService closer() {
    return closer;
  }

  private Collection<EndpointImpl<?, ?>> endpointList() {
    return new ArrayList<>(endpoints.values());
  }

  private void checkOpen() {
    if (closed) {
      throw new MlopsException("the serving module is closed (its Mlops instance was closed)");
    }
  }

  @Override
  public <I, O> EndpointBuilder<I, O> endpoint(
      String name, Class<I> inputType, BatchPredictor<I, O> predictor) {
    checkOpen();
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new InvalidInputException(
          "name", name, "an endpoint name of letters, digits, '.', '_' or '-' (at most 128)");
    }
    if (inputType == null) {
      throw new InvalidInputException("inputType", null, "the input class, e.g. Features.class");
    }
    if (predictor == null) {
      throw new InvalidInputException("predictor", null, "a BatchPredictor");
    }
    return new EndpointBuilderImpl<>(this, name, inputType, predictor);
  }

  @Override
  public <I, O> EndpointBuilder<I, O> endpoint(
      ModelRef ref, Class<I> inputType, ModelLoader<I, O> loader) {
    checkOpen();
    if (ref == null) {
      throw new InvalidInputException(
          "ref", null, "a registry reference such as ModelRef.parse(\"churn#production\")");
    }
    if (inputType == null) {
      throw new InvalidInputException("inputType", null, "the input class, e.g. Features.class");
    }
    if (loader == null) {
      throw new InvalidInputException("loader", null, "a ModelLoader");
    }
    return new EndpointBuilderImpl<>(this, ref.toString(), inputType, loader);
  }

  <I, O> Endpoint<I, O> followRegistry(
      String ref,
      Class<I> inputType,
      ModelLoader<I, O> loader,
      BatchSettings settings,
      double sampleRate,
      Set<String> redact,
      Optional<I> warmup,
      List<RegistryFollower.Ref> canaries,
      List<RegistryFollower.Ref> shadows,
      Duration refreshInterval) {
    ModelRegistry registry =
        context
            .module(ModelRegistry.class)
            .orElseThrow(
                () ->
                    new MlopsException(
                        "mlops-registry is not on the classpath: add dependency"
                            + " dev.mlops:mlops-registry to serve "
                            + ref));
    ModelVersion first = registry.resolve(ref);
    EndpointImpl<I, O> ep =
        new EndpointImpl<>(
            this, first.name(), first.name(), inputType, settings, sampleRate, redact);
    List<RegistryFollower.Ref> refs = new ArrayList<>();
    refs.add(new RegistryFollower.Ref(ref, VersionInfo.Role.PRIMARY, 1));
    refs.addAll(canaries);
    refs.addAll(shadows);
    RegistryFollower<I, O> follower =
        new RegistryFollower<>(
            ep,
            registry,
            loader,
            refs,
            warmup,
            context.home().resolve("serving").resolve("models").resolve(first.name()));
    ep.follow(follower);
    register(ep);
    try {
      follower.refresh(true);
    } catch (RuntimeException e) {
      ep.close();
      throw e;
    }
    follower.watch(scheduler);
    if (!refreshInterval.isZero()) {
      long ms = Math.max(1, refreshInterval.toMillis());
      follower.schedule(
          scheduler.scheduleWithFixedDelay(follower::poll, ms, ms, TimeUnit.MILLISECONDS));
    }
    return ep;
  }

  void register(EndpointImpl<?, ?> ep) {
    checkOpen();
    EndpointImpl<?, ?> prior = endpoints.putIfAbsent(ep.name(), ep);
    if (prior != null) {
      throw new AlreadyExistsException(
          "an endpoint named '" + ep.name() + "' is already open; close it first or pick a name");
    }
  }

  void unregister(EndpointImpl<?, ?> ep) {
    endpoints.remove(ep.name(), ep);
  }

  @Override
  public Optional<Endpoint<?, ?>> find(String name) {
    return Optional.ofNullable(endpoints.get(name));
  }

  @Override
  public ModelServer.Builder server() {
    checkOpen();
    return new JdkModelServer.BuilderImpl(this);
  }

  @Override
  public RequestHandler.Builder handler() {
    checkOpen();
    return new Router.BuilderImpl(this);
  }

  synchronized void serverStarted(JdkModelServer s) {
    servers.add(s);
  }

  synchronized void serverClosed(JdkModelServer s) {
    servers.remove(s);
  }

  @Override
  public List<PredictionRecord> log(String endpoint, long afterSequence, int limit) {
    return predictionLog.read(endpoint, afterSequence, limit);
  }

  /** Stops the servers (draining), then the endpoints, then flushes the prediction log. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<JdkModelServer> toStop;
    synchronized (this) {
      toStop = new ArrayList<>(servers);
    }
    for (JdkModelServer s : toStop) {
      s.close();
    }
    for (EndpointImpl<?, ?> e : endpointList()) {
      e.close();
    }
    scheduler.shutdownNow();
    try {
      predictionLog.close();
    } catch (RuntimeException e) {
      log.warn("flushing the prediction log failed", e);
    }
    asyncExecutor.shutdown();
    closer.shutdown();
    try {
      closer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
