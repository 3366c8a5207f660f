package dev.mlops.monitoring.internal;

import dev.mlops.monitoring.AlertListener;
import dev.mlops.monitoring.DriftAlert;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.WindowResult;
import dev.mlops.monitoring.WindowSpec;
import dev.mlops.serving.PredictionRecord;
import dev.mlops.serving.Serving;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running monitor; see {@link Monitor}. Thread-safe: window work runs under its lock. */
final class MonitorImpl implements Monitor {
  private static final Logger log = LoggerFactory.getLogger(MonitorImpl.class);
  private static final int READ_BATCH = 10_000;

  /** One buffered record. */
  private record Row(long seq, long tsMs, String requestId, Map<String, Object> values) {}

  private final String name;
  private final DriftEngine.Prepared reference;
  private final WindowSpec window;
  private final Serving serving;
  private final String endpoint;
  private final List<AlertListener> listeners;
  private final Webhook webhook;
  private final String predictionColumn;
  private final Clock clock;
  private final MonitorStore store;
  private final Runnable onClose;

  private final List<Row> pending = new ArrayList<>();
  private long readSeq;
  private long nextIndex;
  private boolean lastDrift;
  private long windowStartMs = Long.MIN_VALUE;
  private volatile ScheduledFuture<?> poller;
  private volatile boolean closed;

  MonitorImpl(
      String name,
      DriftEngine.Prepared reference,
      WindowSpec window,
      Serving serving,
      String endpoint,
      List<AlertListener> listeners,
      Webhook webhook,
      String predictionColumn,
      Clock clock,
      MonitorStore store,
      Runnable onClose) {
    this.name = name;
    this.reference = reference;
    this.window = window;
    this.serving = serving;
    this.endpoint = endpoint;
    this.listeners = List.copyOf(listeners);
    this.webhook = webhook;
    this.predictionColumn = predictionColumn;
    this.clock = clock;
    this.store = store;
    this.onClose = onClose;
    long[] last = store.last(name);
    if (last != null) {
      nextIndex = last[0] + 1;
      readSeq = Math.max(0, last[1]);
      lastDrift = last[2] == 1;
    }
  }

  void poller(ScheduledFuture<?> f) {
    this.poller = f;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized List<WindowResult> poll() {
    List<WindowResult> closedNow = new ArrayList<>();
    if (serving != null) {
      while (true) {
        List<PredictionRecord> batch = serving.log(endpoint, readSeq, READ_BATCH);
        if (batch.isEmpty()) {
          break;
        }
        for (PredictionRecord r : batch) {
          readSeq = Math.max(readSeq, r.sequence());
          Table one = Table.fromPredictions(List.of(r));
          Map<String, Object> values = new LinkedHashMap<>();
          for (String c : one.columnNames()) {
            values.put(c, one.value(0, c));
          }
          add(
              new Row(r.sequence(), r.timestamp().toEpochMilli(), r.requestId(), values),
              closedNow);
        }
        if (batch.size() < READ_BATCH) {
          break;
        }
      }
    }
    closeByClock(closedNow);
    return closedNow;
  }

  @Override
  public synchronized List<WindowResult> observe(Table rows) {
    List<WindowResult> closedNow = new ArrayList<>();
    boolean hasTs = rows.hasColumn("timestamp");
    for (int i = 0; i < rows.rowCount(); i++) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (String c : rows.columnNames()) {
        values.put(c, rows.value(i, c));
      }
      Object ts = hasTs ? rows.value(i, "timestamp") : null;
      long tsMs = ts instanceof Instant ? ((Instant) ts).toEpochMilli() : clock.millis();
      Object rid = rows.hasColumn("request_id") ? rows.value(i, "request_id") : null;
      add(new Row(-1, tsMs, rid == null ? null : rid.toString(), values), closedNow);
    }
    closeByClock(closedNow);
    return closedNow;
  }

  private void add(Row row, List<WindowResult> closedNow) {
    if (window.rowCount().isPresent()) {
      pending.add(row);
      if (pending.size() >= window.rowCount().getAsInt()) {
        closedNow.add(closeWindow(new ArrayList<>(pending), -1, -1));
        pending.clear();
      }
      return;
    }
    long d = window.duration().orElseThrow().toMillis();
    if (windowStartMs == Long.MIN_VALUE) {
      windowStartMs = row.tsMs();
    }
    if (row.tsMs() >= windowStartMs + d) {
      if (!pending.isEmpty()) {
        closedNow.add(closeWindow(new ArrayList<>(pending), windowStartMs, windowStartMs + d));
        pending.clear();
      }
      long skip = (row.tsMs() - windowStartMs) / d;
      windowStartMs += skip * d;
    }
    pending.add(row);
  }

  private void closeByClock(List<WindowResult> closedNow) {
    if (window.duration().isEmpty() || pending.isEmpty()) {
      return;
    }
    long d = window.duration().get().toMillis();
    if (clock.millis() >= windowStartMs + d) {
      closedNow.add(closeWindow(new ArrayList<>(pending), windowStartMs, windowStartMs + d));
      pending.clear();
      // stay on the grid of the first record: where the next record lands must not depend on
      // whether a poll happened before it arrived
      windowStartMs += d;
    }
  }

  private WindowResult closeWindow(List<Row> rows, long startMs, long endMs) {
    List<Map<String, Object>> maps = new ArrayList<>(rows.size());
    Map<String, String> predictions = new LinkedHashMap<>();
    long first = Long.MAX_VALUE;
    long last = -1;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;
    for (Row r : rows) {
      maps.add(r.values());
      if (r.seq() >= 0) {
        first = Math.min(first, r.seq());
        last = Math.max(last, r.seq());
      }
      minTs = Math.min(minTs, r.tsMs());
      maxTs = Math.max(maxTs, r.tsMs());
      if (r.requestId() != null) {
        Object p = r.values().get(predictionColumn);
        predictions.put(r.requestId(), p == null ? null : text(p));
      }
    }
    DriftReportImpl report = DriftEngine.compare(reference, Table.fromRows(maps));
    boolean drift = report.datasetDrift();
    boolean alert = drift && !lastDrift;
    long index = nextIndex;
    store.insert(
        new MonitorStore.Stored(
            name,
            index,
            startMs >= 0 ? startMs : minTs,
            endMs >= 0 ? endMs : maxTs,
            first == Long.MAX_VALUE ? -1 : first,
            last,
            rows.size(),
            drift,
            report.driftShare(),
            alert,
            report.toJson(),
            predictions));
    nextIndex++;
    lastDrift = drift;
    Gauges.update(name, report);
    List<String> drifted = new ArrayList<>();
    Map<String, Double> scores = new LinkedHashMap<>();
    for (ColumnDriftImpl c : report.impls()) {
      scores.put(c.column(), c.driftScore());
      if (c.drifted()) {
        drifted.add(c.column());
      }
    }
    WindowResult result =
        new WindowResult(
            name,
            index,
            Instant.ofEpochMilli(startMs >= 0 ? startMs : minTs),
            Instant.ofEpochMilli(endMs >= 0 ? endMs : maxTs),
            first == Long.MAX_VALUE ? -1 : first,
            last,
            rows.size(),
            drift,
            report.driftShare(),
            scores,
            drifted,
            alert,
            Map.of(),
            report.toJson());
    log.debug("monitor {} closed window {}: drift share {}", name, index, report.driftShare());
    if (alert) {
      DriftAlert a = new DriftAlert(name, result, report.driftShare(), drifted, clock.instant());
      for (AlertListener l : listeners) {
        try {
          l.onAlert(a);
        } catch (RuntimeException e) {
          log.warn("alert listener of monitor {} failed", name, e);
        }
      }
      if (webhook != null) {
        webhook.send(a);
      }
    }
    return result;
  }

  private static String text(Object v) {
    if (v instanceof Double) {
      return Table.formatNumber((Double) v);
    }
    if (v instanceof Number) {
      return Table.formatNumber(((Number) v).doubleValue());
    }
    return v.toString();
  }

  void backgroundPoll() {
    if (closed) {
      return;
    }
    try {
      poll();
    } catch (RuntimeException e) {
      log.warn("monitor {} poll failed; will retry", name, e);
    }
  }

  @Override
  public void label(String requestId, Object label) {
    if (requestId == null || requestId.isEmpty()) {
      throw new dev.mlops.InvalidInputException("requestId", requestId, "a non-empty request id");
    }
    if (label == null) {
      throw new dev.mlops.InvalidInputException("label", null, "a non-null label");
    }
    store.label(name, requestId, text(label));
  }

  @Override
  public List<WindowResult> history() {
    return store.history(name);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    ScheduledFuture<?> f = poller;
    if (f != null) {
      f.cancel(false);
    }
    onClose.run();
  }

  @Override
  public String toString() {
    return "Monitor{" + name + ", window=" + window + ", endpoint=" + endpoint + "}";
  }
}
