package dev.mlops.monitoring.internal;

import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.monitoring.AlertListener;
import dev.mlops.monitoring.DataSummary;
import dev.mlops.monitoring.DriftOptions;
import dev.mlops.monitoring.DriftReport;
import dev.mlops.monitoring.Expectations;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.MonitorBuilder;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.QualityReport;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.WindowResult;
import dev.mlops.monitoring.WindowSpec;
import dev.mlops.serving.Serving;
import dev.mlops.spi.ModuleContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * The monitoring module. Owns one scheduler thread (monitor polling and webhook retries) and one
 * OkHttp client; {@link #close()} stops monitors, then the scheduler, then OkHttp. Thread-safe.
 */
public final class MonitoringImpl implements Monitoring, AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private final ModuleContext context;
  private final Map<String, MonitorImpl> running = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private MonitorStore store;
  private ScheduledExecutorService scheduler;
  private OkHttpClient http;

  public MonitoringImpl(ModuleContext context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  @Override
  public DriftReport drift(Table reference, Table current, DriftOptions options) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(options, "options");
    return DriftEngine.drift(reference, current, options);
  }

  @Override
  public DataSummary summary(Table table) {
    return SummaryEngine.summary(Objects.requireNonNull(table, "table"));
  }

  @Override
  public QualityReport quality(Table table, Expectations expectations) {
    return QualityEngine.check(
        Objects.requireNonNull(table, "table"), Objects.requireNonNull(expectations));
  }

  @Override
  public MonitorBuilder monitor(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "monitor", name, "1-200 characters of letters, digits, '.', '_' or '-'");
    }
    return new Builder(name);
  }

  @Override
  public List<WindowResult> history(String name) {
    return store().history(name);
  }

  private MonitorStore store() {
    synchronized (lock) {
      if (store == null) {
        store = new MonitorStore(context.database());
      }
      return store;
    }
  }

  private ScheduledExecutorService scheduler() {
    synchronized (lock) {
      if (scheduler == null) {
        scheduler =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "mlops-monitoring");
                  t.setDaemon(true);
                  return t;
                });
      }
      return scheduler;
    }
  }

  private OkHttpClient http() {
    synchronized (lock) {
      if (http == null) {
        http = new OkHttpClient();
      }
      return http;
    }
  }

  @Override
  public void close() {
    for (MonitorImpl m : new ArrayList<>(running.values())) {
      m.close();
    }
    ScheduledExecutorService s;
    OkHttpClient h;
    synchronized (lock) {
      s = scheduler;
      h = http;
    }
    if (s != null) {
      s.shutdown();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (h != null) {
      h.dispatcher().executorService().shutdown();
      h.connectionPool().evictAll();
    }
  }

  private final class Builder implements MonitorBuilder {
    private final String name;
    private Table reference;
    private WindowSpec window = WindowSpec.rows(1000);
    private Serving serving;
    private String endpoint;
    private boolean useModuleServing;
    private DriftOptions options = DriftOptions.defaults();
    private final List<AlertListener> listeners = new ArrayList<>();
    private URI webhook;
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private int webhookRetries = 3;
    private Duration pollInterval = Duration.ofSeconds(1);
    private String predictionColumn = "prediction";
    private Clock clock = Clock.systemUTC();

    Builder(String name) {
      this.name = name;
    }

    @Override
    public MonitorBuilder reference(Table reference) {
      this.reference = reference;
      return this;
    }

    @Override
    public MonitorBuilder window(WindowSpec window) {
      this.window = Objects.requireNonNull(window, "window");
      return this;
    }

    @Override
    public MonitorBuilder endpoint(String endpoint) {
      this.endpoint = endpoint;
      this.useModuleServing = true;
      return this;
    }

    @Override
    public MonitorBuilder endpoint(Serving serving, String endpoint) {
      this.serving = Objects.requireNonNull(serving, "serving");
      this.endpoint = endpoint;
      this.useModuleServing = false;
      return this;
    }

    @Override
    public MonitorBuilder options(DriftOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    @Override
    public MonitorBuilder onAlert(AlertListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    @Override
    public MonitorBuilder webhook(URI url) {
      return webhook(url, Duration.ofSeconds(5), 3);
    }

    @Override
    public MonitorBuilder webhook(URI url, Duration timeout, int retries) {
      this.webhook = url;
      this.webhookTimeout = timeout;
      this.webhookRetries = retries;
      return this;
    }

    @Override
    public MonitorBuilder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    @Override
    public MonitorBuilder predictionColumn(String column) {
      this.predictionColumn = column;
      return this;
    }

    @Override
    public MonitorBuilder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    @Override
    public Monitor start() {
      if (reference == null) {
        throw new InvalidInputException(
            "reference", null, "a reference table: call reference(table) before start()");
      }
      if (endpoint != null && endpoint.isEmpty()) {
        throw new InvalidInputException("endpoint", endpoint, "a non-empty endpoint name");
      }
      if (webhook != null) {
        String scheme = webhook.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
          throw new InvalidInputException("webhook", webhook, "an http(s) URL");
        }
        if (webhookTimeout == null || webhookTimeout.isNegative() || webhookTimeout.isZero()) {
          throw new InvalidInputException("webhook.timeout", webhookTimeout, "a positive duration");
        }
        if (webhookRetries < 0 || webhookRetries > 20) {
          throw new InvalidInputException("webhook.retries", webhookRetries, "0..20");
        }
      }
      if (pollInterval == null || pollInterval.toMillis() < 1) {
        throw new InvalidInputException("pollInterval", pollInterval, "at least 1 ms");
      }
      if (predictionColumn == null || predictionColumn.isEmpty()) {
        throw new InvalidInputException("predictionColumn", predictionColumn, "a column name");
      }
      Serving source = serving;
      if (endpoint != null && useModuleServing) {
        source = context.mlops().serving();
      }
      DriftEngine.Prepared prepared = DriftEngine.prepare(reference, options);
      Webhook hook =
          webhook == null
              ? null
              : new Webhook(http(), webhook, webhookTimeout, webhookRetries, scheduler());
      MonitorImpl[] holder = new MonitorImpl[1];
      MonitorImpl m =
          new MonitorImpl(
              name,
              prepared,
              window,
              source,
              endpoint,
              listeners,
              hook,
              predictionColumn,
              clock,
              store(),
              () -> running.remove(name, holder[0]));
      holder[0] = m;
      if (running.putIfAbsent(name, m) != null) {
        throw new ConflictException("monitor '" + name + "' is already running: close it first");
      }
      if (source != null) {
        long ms = pollInterval.toMillis();
        m.poller(
            scheduler().scheduleWithFixedDelay(m::backgroundPoll, ms, ms, TimeUnit.MILLISECONDS));
      }
      return m;
    }
  }
}
