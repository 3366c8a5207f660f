package dev.mlops.monitoring.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.monitoring.DriftAlert;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts as JSON with OkHttp's asynchronous calls: {@link #send} returns at once; a failed
 * attempt (I/O error, timeout or non-2xx) is retried with exponential backoff on the scheduler.
 * Thread-safe.
 */
final class Webhook {
  private static final Logger log = LoggerFactory.getLogger(Webhook.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final long BASE_BACKOFF_MS = 200;

  private final URI url;
  private final int retries;
  private final OkHttpClient client;
  private final ScheduledExecutorService scheduler;

  Webhook(
      OkHttpClient base,
      URI url,
      Duration timeout,
      int retries,
      ScheduledExecutorService scheduler) {
    this.url = url;
    this.retries = retries;
    this.client = base.newBuilder().callTimeout(timeout).build();
    this.scheduler = scheduler;
  }

  static String payload(DriftAlert a) {
    ObjectNode o = Json.object();
    o.put("event", "dataset_drift");
    o.put("monitor", a.monitor());
    o.put("window", a.window().index());
    o.put("window_start", a.window().start().toString());
    o.put("window_end", a.window().end().toString());
    o.put("rows", a.window().rows());
    Json.put(o, "drift_share", a.driftShare());
    ArrayNode cols = o.putArray("drifted_columns");
    a.driftedColumns().forEach(cols::add);
    ObjectNode scores = o.putObject("scores");
    a.window().scores().forEach((k, v) -> Json.put(scores, k, v));
    o.put("raised_at", a.raisedAt().toString());
    return Json.write(o);
  }

  void send(DriftAlert alert) {
    attempt(payload(alert), 0);
  }

  private void attempt(String body, int n) {
    Request req =
        new Request.Builder()
            .url(url.toString())
            .header("User-Agent", "mlops-java-monitoring")
            .post(RequestBody.create(body, JSON))
            .build();
    client
        .newCall(req)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                retry(body, n, e.toString());
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  if (response.isSuccessful()) {
                    log.debug("webhook {} accepted the alert", url);
                  } else {
                    retry(body, n, "HTTP " + response.code());
                  }
                }
              }
            });
  }

  private void retry(String body, int n, String why) {
    if (n >= retries) {
      log.warn("webhook {} failed after {} attempts ({}); alert dropped", url, n + 1, why);
      return;
    }
    long delay = BASE_BACKOFF_MS << Math.min(n, 6);
    log.info("webhook {} attempt {} failed ({}); retrying in {} ms", url, n + 1, why, delay);
    try {
      scheduler.schedule(() -> attempt(body, n + 1), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.warn("monitoring is closed; webhook alert to {} dropped", url);
    }
  }
}
