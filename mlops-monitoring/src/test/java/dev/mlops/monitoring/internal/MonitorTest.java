package dev.mlops.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.monitoring.DriftAlert;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.Monitoring;
import dev.mlops.monitoring.Table;
import dev.mlops.monitoring.WindowResult;
import dev.mlops.monitoring.WindowSpec;
import dev.mlops.serving.BatchPredictor;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.PredictionRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live monitors over a prediction log, with a real SQLite home. */
class MonitorTest {
  @TempDir Path home;
  Mlops mlops;
  Monitoring monitoring;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * A served endpoint (the real serving module, payload logging on) whose predictor returns the
   * input's "s" field as the score.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  final class Served {
    Endpoint<Map, Double> ep;

    Endpoint<Map, Double> ep() {
      if (ep == null) {
        BatchPredictor<Map, Double> predictor =
            batch -> {
              List<Double> out = new ArrayList<>();
              for (Map m : batch) {
                Object s = m.get("s");
                out.add(s == null ? 0.5 : ((Number) s).doubleValue());
              }
              return out;
            };
        ep = mlops.serving().endpoint("churn", Map.class, predictor).logging(1.0).build();
      }
      return ep;
    }

    void add(Map<String, Object> input, double score) {
      addAll(List.of(input), List.of(score));
    }

    void addAll(List<Map<String, Object>> inputs, List<Double> scores) {
      List<Map> withScores = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Map<String, Object> m = new LinkedHashMap<>(inputs.get(i));
        m.put("s", scores.get(i));
        withScores.add(m);
      }
      ep().predictAll(withScores);
    }
  }

  final Served log = new Served();

  @BeforeEach
  void open() {
    mlops = Mlops.open(home.resolve(".mlops"));
    monitoring = mlops.monitoring();
  }

  @AfterEach
  void close() {
    mlops.close();
  }

  static Map<String, Object> row(Random r, boolean shifted) {
    Map<String, Object> m = new LinkedHashMap<>();
    double shift = shifted ? 1.5 : 0;
    m.put("x1", r.nextGaussian() + shift);
    m.put("x2", r.nextGaussian() * (shifted ? 2 : 1));
    m.put("x3", r.nextGaussian() + shift);
    double u = r.nextDouble();
    m.put(
        "plan",
        shifted
            ? (u < 0.2 ? "free" : u < 0.5 ? "pro" : "gold")
            : (u < 0.6 ? "free" : u < 0.9 ? "pro" : "gold"));
    return m;
  }

  static Table reference(long seed) {
    Random r = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(row(r, false));
    }
    return Table.fromRows(rows);
  }

  @Test
  void streamThatShiftsMidwayRaisesExactlyOneAlertAtTheShiftWindow() throws Exception {
    List<DriftAlert> alerts = new CopyOnWriteArrayList<>();
    try (MockWebServer hook = new MockWebServer()) {
      hook.enqueue(new MockResponse.Builder().code(500).build()); // first attempt fails
      hook.enqueue(new MockResponse.Builder().code(200).build());
      hook.start();
      Monitor mon =
          monitoring
              .monitor("churn")
              .reference(reference(7))
              .window(WindowSpec.rows(200))
              .endpoint("churn")
              .onAlert(alerts::add)
              .onAlert(
                  a -> {
                    throw new IllegalStateException("a broken listener must not stop the monitor");
                  })
              .webhook(URI.create(hook.url("/drift").toString()), Duration.ofSeconds(5), 3)
              .pollInterval(Duration.ofHours(1)) // this test polls by hand
              .start();
      Random r = new Random(99);
      List<WindowResult> closed = new ArrayList<>();
      for (int w = 0; w < 10; w++) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          rows.add(row(r, w >= 5));
          scores.add(r.nextDouble());
        }
        log.addAll(rows, scores);
        closed.addAll(mon.poll());
      }
      List<PredictionRecord> logged = mlops.serving().log("churn");
      assertThat(logged).hasSize(2000);
      assertThat(closed).hasSize(10);
      for (WindowResult wr : closed) {
        assertThat(wr.datasetDrift())
            .as("window %d share %s", wr.index(), wr.driftShare())
            .isEqualTo(wr.index() >= 5);
      }
      assertThat(alerts).hasSize(1);
      assertThat(alerts.get(0).window().index()).isEqualTo(5);
      assertThat(alerts.get(0).window().firstSequence()).isEqualTo(logged.get(1000).sequence());
      assertThat(alerts.get(0).driftedColumns()).contains("x1", "x3");
      List<WindowResult> history = monitoring.history("churn");
      assertThat(history).hasSize(10);
      assertThat(history.stream().filter(WindowResult::alerted).map(WindowResult::index))
          .containsExactly(5L);
      assertThat(history.get(5).scores()).containsKeys("x1", "x2", "x3", "plan");
      assertThat(history.get(9).lastSequence()).isEqualTo(logged.get(1999).sequence());
      // the webhook was retried after the 500 and then accepted
      RecordedRequest first = hook.takeRequest(10, TimeUnit.SECONDS);
      RecordedRequest second = hook.takeRequest(10, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(second).isNotNull();
      JsonNode body = Json.read(second.getBody().utf8());
      assertThat(body.get("monitor").asText()).isEqualTo("churn");
      assertThat(body.get("window").asInt()).isEqualTo(5);
      assertThat(body.get("drifted_columns").toString()).contains("x1");
      // gauges hold the last window
      assertThat(gauge("mlops_monitor_dataset_drift", "churn", null)).isEqualTo(1.0);
      assertThat(gauge("mlops_monitor_drift_score", "churn", "x1")).isLessThan(0.05);
      mon.close();
    }
  }

  @Test
  void restartResumesAfterTheLastStoredWindowAndRejectsDuplicates() {
    Table ref = reference(3);
    Monitor m1 =
        monitoring
            .monitor("m")
            .reference(ref)
            .window(WindowSpec.rows(100))
            .endpoint(mlops.serving(), "churn")
            .pollInterval(Duration.ofHours(1))
            .start();
    assertThatThrownBy(() -> monitoring.monitor("m").reference(ref).start())
        .isInstanceOf(ConflictException.class);
    Random r = new Random(5);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      rows.add(row(r, false));
    }
    log.addAll(rows, java.util.Collections.nCopies(250, 0.5));
    assertThat(m1.poll()).hasSize(2);
    m1.close();
    Monitor m2 =
        monitoring
            .monitor("m")
            .reference(ref)
            .window(WindowSpec.rows(100))
            .endpoint(mlops.serving(), "churn")
            .pollInterval(Duration.ofHours(1))
            .start();
    rows.clear();
    for (int i = 0; i < 50; i++) {
      rows.add(row(r, false));
    }
    log.addAll(rows, java.util.Collections.nCopies(50, 0.5));
    List<WindowResult> more = m2.poll();
    assertThat(more).hasSize(1);
    assertThat(more.get(0).index()).isEqualTo(2);
    // rows 201..250 were re-read after the restart
    assertThat(more.get(0).firstSequence())
        .isEqualTo(mlops.serving().log("churn").get(200).sequence());
    assertThat(monitoring.history("m")).hasSize(3);
    m2.close();
    assertThatThrownBy(() -> monitoring.monitor("bad name!"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> monitoring.monitor("x").start())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reference");
  }

  @Test
  void backgroundPollerClosesWindowsAndLabelsGiveModelQuality() throws Exception {
    Monitor mon =
        monitoring
            .monitor("bg")
            .reference(reference(1))
            .window(WindowSpec.rows(4))
            .endpoint(mlops.serving(), "churn")
            .pollInterval(Duration.ofMillis(20))
            .start();
    Random r = new Random(2);
    double[] scores = {0.9, 0.2, 0.7, 0.4};
    for (double s : scores) {
      log.add(row(r, false), s);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (monitoring.history("bg").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(monitoring.history("bg")).hasSize(1);
    assertThat(monitoring.history("bg").get(0).modelQuality()).isEmpty();
    // labels arrive later: req-1 positive (score .9 right), req-2 negative (.2 right),
    // req-3 negative (.7 wrong), req-4 positive (.4 wrong)
    List<PredictionRecord> logged = mlops.serving().log("churn");
    mon.label(logged.get(0).requestId(), 1);
    mon.label(logged.get(1).requestId(), 0);
    mon.label(logged.get(2).requestId(), 0);
    mon.label(logged.get(3).requestId(), 1);
    Map<String, Double> q = monitoring.history("bg").get(0).modelQuality();
    assertThat(q.get("accuracy")).isEqualTo(0.5);
    assertThat(q.get("precision")).isEqualTo(0.5);
    assertThat(q.get("recall")).isEqualTo(0.5);
    assertThat(q.get("f1")).isEqualTo(0.5);
    assertThat(q.get("roc_auc")).isEqualTo(0.75);
    assertThat(q.get("labeled_rows")).isEqualTo(4.0);
    mon.close();
  }

  @Test
  void timeWindowsCloseOnLaterRecordsAndOnTheClockAndObserveFeedsRows() {
    Instant[] now = {T0};
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    Monitor mon =
        monitoring
            .monitor("t")
            .reference(reference(4))
            .window(WindowSpec.time(Duration.ofMinutes(1)))
            .clock(clock)
            .start();
    Random r = new Random(8);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) { // 0..110 s: two windows' worth
      Map<String, Object> m = row(r, false);
      m.put("timestamp", T0.plusSeconds(i * 10L));
      rows.add(m);
    }
    List<WindowResult> closed = mon.observe(Table.fromRows(rows));
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).rows()).isEqualTo(6);
    assertThat(closed.get(0).start()).isEqualTo(T0);
    assertThat(closed.get(0).end()).isEqualTo(T0.plusSeconds(60));
    now[0] = T0.plusSeconds(125);
    closed = mon.observe(Table.fromRows(List.of()));
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).rows()).isEqualTo(6);
    assertThat(closed.get(0).start()).isEqualTo(T0.plusSeconds(60));
    // the clock closed [60 s, 120 s); a record at 130 s opens [120 s, 180 s) on the same grid,
    // as it would had no poll happened in between
    Map<String, Object> late = row(r, false);
    late.put("timestamp", T0.plusSeconds(130));
    assertThat(mon.observe(Table.fromRows(List.of(late)))).isEmpty();
    now[0] = T0.plusSeconds(185);
    closed = mon.poll();
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).start()).isEqualTo(T0.plusSeconds(120));
    assertThat(closed.get(0).end()).isEqualTo(T0.plusSeconds(180));
    assertThat(closed.get(0).rows()).isEqualTo(1);
    mon.close();
  }

  @Test
  void anEmptyLogClosesNoWindowAndStoresNothing() {
    log.ep();
    Monitor mon =
        monitoring
            .monitor("quiet")
            .reference(reference(5))
            .window(WindowSpec.rows(10))
            .endpoint("churn")
            .pollInterval(Duration.ofHours(1))
            .start();
    assertThat(mon.poll()).isEmpty();
    assertThat(mon.observe(Table.fromRows(List.of()))).isEmpty();
    assertThat(mon.history()).isEmpty();
    assertThat(monitoring.history("quiet")).isEmpty();
    mon.close();
  }

  static double gauge(String name, String monitor, String column) {
    for (MetricSnapshot s : PrometheusRegistry.defaultRegistry.scrape()) {
      if (s.getMetadata().getName().equals(name)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : ((GaugeSnapshot) s).getDataPoints()) {
          if (monitor.equals(p.getLabels().get("monitor"))
              && (column == null || column.equals(p.getLabels().get("column")))) {
            return p.getValue();
          }
        }
      }
    }
    throw new AssertionError("no gauge " + name);
  }
}
