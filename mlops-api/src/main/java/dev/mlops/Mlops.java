package dev.mlops;

import dev.mlops.monitoring.Monitoring;
import dev.mlops.pipeline.Pipelines;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.serving.Serving;
import dev.mlops.spi.Database;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.ModuleProvider;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunBody;
import dev.mlops.tracking.Tracking;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: one home (a folder with a SQLite database and artifacts) and the modules that
 * are on the classpath. Thread-safe; open one per home and share it.
 *
 * <pre>{@code
 * try (Mlops m = Mlops.open()) {                       // ./.mlops, or configured
 *   Run run = m.tracking().run("churn", r -> r.param("lr", 0.01).metric("loss", 0.42));
 * }
 * Mlops.run("churn", r -> r.metric("accuracy", 0.91));  // on the process-wide instance
 * }</pre>
 *
 * <p>Each accessor ({@link #tracking()}, {@link #data()}, ...) needs its module's jar on the
 * classpath and throws a {@link MlopsException} naming the Maven dependency to add otherwise.
 */
public final class Mlops implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mlops.class);
  private static final Object GLOBAL_LOCK = new Object();
  private static Mlops global;

  private static final Map<Class<?>, String> ARTIFACTS =
      Map.of(
          Tracking.class, "mlops-tracking",
          DataVersioning.class, "mlops-versioning",
          Pipelines.class, "mlops-pipeline",
          ModelRegistry.class, "mlops-registry",
          Serving.class, "mlops-serving",
          Monitoring.class, "mlops-monitoring");

  private final MlopsConfig config;
  private final Map<Class<?>, ModuleProvider<?>> providers;
  private final Map<Class<?>, Object> modules = new LinkedHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Context context = new Context();
  private Database database;
  private boolean closed;

  private Mlops(MlopsConfig config) {
    this.config = config;
    this.providers = discover();
    try {
      Files.createDirectories(config.home());
    } catch (IOException e) {
      throw new StoreException("cannot create the home folder " + config.home(), e);
    }
    log.debug("opened {} with modules {}", config.home(), providers.keySet());
  }

  /**
   * Opens the home from configuration (system properties, environment, mlops.properties) or
   * ./.mlops.
   */
  public static Mlops open() {
    return builder().build();
  }

  /** Opens the given home folder, creating it when missing. */
  public static Mlops open(Path home) {
    return builder().home(home).build();
  }

  /** A builder; its calls take precedence over every other configuration source. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The process-wide instance, opened from configuration on first use and closed at JVM shutdown.
   */
  public static Mlops global() {
    synchronized (GLOBAL_LOCK) {
      if (global == null || global.isClosed()) {
        Mlops m = open();
        Runtime.getRuntime().addShutdownHook(new Thread(m::close, "mlops-global-shutdown"));
        global = m;
      }
      return global;
    }
  }

  /**
   * Runs {@code body} as a tracked run of experiment {@code experiment} on the {@link #global()}
   * instance: FINISHED on return, FAILED (and rethrown) on exception.
   */
  public static Run run(String experiment, RunBody body) {
    return global().tracking().run(experiment, body);
  }

  /** The resolved configuration. */
  public MlopsConfig config() {
    return config;
  }

  /** The home folder (absolute). */
  public Path home() {
    return config.home();
  }

  /** Experiment tracking (module {@code mlops-tracking}). */
  public Tracking tracking() {
    return require(Tracking.class);
  }

  /** Data and model versioning (module {@code mlops-versioning}). */
  public DataVersioning data() {
    return require(DataVersioning.class);
  }

  /** Pipelines (module {@code mlops-pipeline}). */
  public Pipelines pipelines() {
    return require(Pipelines.class);
  }

  /** The model registry (module {@code mlops-registry}). */
  public ModelRegistry registry() {
    return require(ModelRegistry.class);
  }

  /** Prediction endpoints and the HTTP server (module {@code mlops-serving}). */
  public Serving serving() {
    return require(Serving.class);
  }

  /** Drift, data quality and live monitors (module {@code mlops-monitoring}). */
  public Monitoring monitoring() {
    return require(Monitoring.class);
  }

  /**
   * Whether the implementation of {@code api} (e.g. {@code Tracking.class}) is on the classpath.
   */
  public boolean has(Class<?> api) {
    return providers.containsKey(api);
  }

  /** The module implementing {@code api}, if it is on the classpath. */
  public <T> Optional<T> module(Class<T> api) {
    return has(api) ? Optional.of(require(api)) : Optional.empty();
  }

  private <T> T require(Class<T> api) {
    synchronized (modules) {
      if (closed) {
        throw new MlopsException("this Mlops instance (" + home() + ") is closed");
      }
      Object existing = modules.get(api);
      if (existing != null) {
        return api.cast(existing);
      }
      ModuleProvider<?> provider = providers.get(api);
      if (provider == null) {
        String artifact = ARTIFACTS.getOrDefault(api, api.getName());
        throw new MlopsException(
            artifact + " is not on the classpath: add dependency dev.mlops:" + artifact);
      }
      T created = api.cast(provider.create(context));
      modules.put(api, created);
      if (created instanceof AutoCloseable) {
        closeables.add((AutoCloseable) created);
      }
      return created;
    }
  }

  private Database database() {
    synchronized (modules) {
      if (database == null) {
        database = Database.open("jdbc:sqlite:" + home().resolve("mlops.db"));
      }
      return database;
    }
  }

  private boolean isClosed() {
    synchronized (modules) {
      return closed;
    }
  }

  /**
   * Closes every module that was used, in reverse order of first use (flushing pending metrics,
   * stopping servers and schedules), then the database. Idempotent.
   */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    Database db;
    synchronized (modules) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(closeables);
      db = database;
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", toClose.get(i).getClass().getName(), e);
      }
    }
    if (db != null) {
      db.close();
    }
  }

  @Override
  public String toString() {
    return "Mlops{home=" + home() + ", modules=" + providers.keySet() + "}";
  }

  @SuppressWarnings("rawtypes")
  private static Map<Class<?>, ModuleProvider<?>> discover() {
    Map<Class<?>, ModuleProvider<?>> found = new HashMap<>();
    ServiceLoader<ModuleProvider> loader =
        ServiceLoader.load(ModuleProvider.class, Mlops.class.getClassLoader());
    for (ModuleProvider<?> p : loader) {
      ModuleProvider<?> previous = found.putIfAbsent(p.api(), p);
      if (previous != null) {
        log.warn(
            "two implementations of {} on the classpath: {} and {}; using the first",
            p.api().getName(),
            previous.getClass().getName(),
            p.getClass().getName());
      }
    }
    return found;
  }

  private final class Context implements ModuleContext {
    @Override
    public Mlops mlops() {
      return Mlops.this;
    }

    @Override
    public MlopsConfig config() {
      return config;
    }

    @Override
    public Database database() {
      return Mlops.this.database();
    }

    @Override
    public <M> Optional<M> module(Class<M> api) {
      return Mlops.this.module(api);
    }
  }

  /** Builds an {@link Mlops}; set-once values, validated at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    private Builder() {}

    /** The home folder (default {@code ./.mlops}). */
    public Builder home(Path home) {
      return property(MlopsConfig.HOME, Objects.requireNonNull(home, "home").toString());
    }

    /** The workspace folder (default: the folder that holds the home). */
    public Builder workspace(Path workspace) {
      return property(
          MlopsConfig.WORKSPACE, Objects.requireNonNull(workspace, "workspace").toString());
    }

    /** The tracking store: {@code sqlite:...}, {@code postgresql://...}, {@code http(s)://...}. */
    public Builder trackingUri(String uri) {
      return property(MlopsConfig.TRACKING_URI, uri);
    }

    /** The artifact store: {@code file:...} or {@code s3://...}. */
    public Builder artifactsUri(String uri) {
      return property(MlopsConfig.ARTIFACTS_URI, uri);
    }

    /** The registry store URI. */
    public Builder registryUri(String uri) {
      return property(MlopsConfig.REGISTRY_URI, uri);
    }

    /** Any other configuration key (without the {@code mlops.} prefix). */
    public Builder property(String key, String value) {
      if (key == null || key.isBlank()) {
        throw new InvalidInputException("key", key, "a non-empty configuration key");
      }
      if (value == null || value.isBlank()) {
        throw new InvalidInputException(key, value, "a non-empty value");
      }
      values.put(key.startsWith("mlops.") ? key.substring(6) : key, value);
      return this;
    }

    /** Opens the instance. */
    public Mlops build() {
      Map<String, String> sys = new HashMap<>();
      System.getProperties().forEach((k, v) -> sys.put(String.valueOf(k), String.valueOf(v)));
      MlopsConfig config =
          MlopsConfig.resolve(values, sys, System.getenv(), Path.of("").toAbsolutePath());
      return new Mlops(config);
    }
  }
}
