package dev.mlops.serving.internal;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The Prometheus metrics of one serving module, on its own registry (no global state). Thread-safe.
 */
final class ServingMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  final Counter requests;
  final Histogram latency;
  final Histogram queueTime;
  final Histogram batchSize;
  final Counter httpRequests;
  private final ConcurrentHashMap<String, AtomicReferenceArray<CounterDataPoint>> httpPoints =
      new ConcurrentHashMap<>();
  final Counter logWritten;
  final Counter logDropped;
  final Counter loadFailures;
  final Counter swaps;
  final Counter shadowFailures;

  ServingMetrics(Supplier<Collection<EndpointImpl<?, ?>>> endpoints) {
    requests =
        Counter.builder()
            .name("mlops_serving_requests_total")
            .help(
                "Requests (a predict call or an HTTP scoring request, whatever its number of"
                    + " inputs) by endpoint, model, version and status code; version is empty when"
                    + " the request was refused before a version was chosen")
            .labelNames("endpoint", "model", "version", "status")
            .withoutExemplars()
            .register(registry);
    latency =
        Histogram.builder()
            .name("mlops_serving_request_duration_seconds")
            .help("Time from a request's arrival to its answer")
            .labelNames("endpoint", "model", "version")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .withoutExemplars()
            .register(registry);
    queueTime =
        Histogram.builder()
            .name("mlops_serving_queue_duration_seconds")
            .help("Time an input waited before its batch started")
            .labelNames("endpoint", "model", "version")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .withoutExemplars()
            .register(registry);
    batchSize =
        Histogram.builder()
            .name("mlops_serving_batch_size")
            .help("Inputs per predictor call")
            .labelNames("endpoint", "model", "version")
            .classicOnly()
            .classicUpperBounds(BATCH_BUCKETS)
            .withoutExemplars()
            .register(registry);
    httpRequests =
        Counter.builder()
            .name("mlops_serving_http_requests_total")
            .help("HTTP requests by route and status code")
            .labelNames("route", "status")
            .withoutExemplars()
            .register(registry);
    logWritten =
        Counter.builder()
            .name("mlops_serving_log_written_total")
            .help("Prediction log records written")
            .withoutExemplars()
            .register(registry);
    logDropped =
        Counter.builder()
            .name("mlops_serving_log_dropped_total")
            .help("Prediction log records dropped (queue full or write failed)")
            .withoutExemplars()
            .register(registry);
    loadFailures =
        Counter.builder()
            .name("mlops_serving_model_load_failures_total")
            .help("Model versions that failed to load or warm up and were not swapped in")
            .labelNames("endpoint", "model")
            .withoutExemplars()
            .register(registry);
    swaps =
        Counter.builder()
            .name("mlops_serving_model_swaps_total")
            .help("Hot swaps of a model version")
            .labelNames("endpoint", "model")
            .withoutExemplars()
            .register(registry);
    shadowFailures =
        Counter.builder()
            .name("mlops_serving_shadow_failures_total")
            .help("Shadow predictions that failed or were refused (never seen by callers)")
            .labelNames("endpoint", "model", "version")
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder()
        .name("mlops_serving_in_flight")
        .help("Requests being answered")
        .labelNames("endpoint")
        .callback(
            cb -> {
              for (EndpointImpl<?, ?> e : endpoints.get()) {
                cb.call(e.inFlight(), e.name());
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlops_serving_queue_depth")
        .help("Inputs waiting for the predictor")
        .labelNames("endpoint", "version")
        .callback(
            cb -> {
              for (EndpointImpl<?, ?> e : endpoints.get()) {
                e.forEachSlot(s -> cb.call(s.dispatcher().queueDepth(), e.name(), s.version()));
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("mlops_serving_model_info")
        .help("Loaded model versions (value 1) with their role and traffic weight")
        .labelNames("endpoint", "model", "version", "role", "weight")
        .callback(
            cb -> {
              for (EndpointImpl<?, ?> e : endpoints.get()) {
                e.versions()
                    .forEach(
                        v ->
                            cb.call(
                                1,
                                e.name(),
                                e.model(),
                                v.version(),
                                v.role().name().toLowerCase(java.util.Locale.ROOT),
                                Double.toString(v.weight())));
              }
            })
        .register(registry);
  }

  /**
   * The data point of {@code mlops_serving_http_requests_total} for a route and status, looked up
   * once: {@code labelValues} builds a label list and searches a map on every call.
   */
  CounterDataPoint http(String route, int status) {
    if (status < 100 || status > 599) {
      return httpRequests.labelValues(route, Integer.toString(status));
    }
    AtomicReferenceArray<CounterDataPoint> byStatus =
        httpPoints.computeIfAbsent(route, r -> new AtomicReferenceArray<>(500));
    CounterDataPoint p = byStatus.get(status - 100);
    if (p == null) {
      // benign race: labelValues returns the same data point to every thread
      p = httpRequests.labelValues(route, Integer.toString(status));
      byStatus.set(status - 100, p);
    }
    return p;
  }

  SlotMetrics slot(String endpoint, String model, String version) {
    return new SlotMetrics(this, endpoint, model, version);
  }

  String contentType() {
    return writer.getContentType();
  }

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Counts one request of an endpoint that ended with {@code status} before a version was chosen
   * (bad input, unknown version, nothing loaded).
   */
  void refused(String endpoint, String model, int status) {
    requests.labelValues(endpoint, model, "", Integer.toString(status)).inc();
  }

  /** The HTTP status a failed request maps to, as the HTTP layer answers it. */
  static int status(Throwable e) {
    if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof dev.mlops.serving.OverloadedException
        || e instanceof dev.mlops.serving.NotReadyException) {
      return 503;
    }
    if (e instanceof dev.mlops.InvalidInputException) {
      return 400;
    }
    if (e instanceof dev.mlops.NotFoundException) {
      return 404;
    }
    return 500;
  }

  /** Data points of one endpoint version, looked up once. */
  static final class SlotMetrics {
    private final ServingMetrics m;
    private final String endpoint;
    private final String model;
    private final String version;
    private final CounterDataPoint ok;
    private final CounterDataPoint overloaded;
    private final CounterDataPoint failed;
    private final DistributionDataPoint latency;
    private final DistributionDataPoint queueTime;
    private final DistributionDataPoint batchSize;
    final CounterDataPoint shadowFailures;

    SlotMetrics(ServingMetrics m, String endpoint, String model, String version) {
      this.m = m;
      this.endpoint = endpoint;
      this.model = model;
      this.version = version;
      ok = m.requests.labelValues(endpoint, model, version, "200");
      overloaded = m.requests.labelValues(endpoint, model, version, "503");
      failed = m.requests.labelValues(endpoint, model, version, "500");
      latency = m.latency.labelValues(endpoint, model, version);
      queueTime = m.queueTime.labelValues(endpoint, model, version);
      batchSize = m.batchSize.labelValues(endpoint, model, version);
      shadowFailures = m.shadowFailures.labelValues(endpoint, model, version);
    }

    /** One request answered. */
    void answered(long latencyNanos) {
      ok.inc();
      latency.observe(latencyNanos / 1e9);
    }

    /** One request of this version failed with {@code e}. */
    void failed(Throwable e) {
      int status = status(e);
      if (status == 503) {
        overloaded.inc();
      } else if (status == 500) {
        failed.inc();
      } else {
        m.requests.labelValues(endpoint, model, version, Integer.toString(status)).inc();
      }
    }

    void queueTime(long nanos) {
      queueTime.observe(nanos / 1e9);
    }

    void batch(int n) {
      batchSize.observe(n);
    }
  }
}
