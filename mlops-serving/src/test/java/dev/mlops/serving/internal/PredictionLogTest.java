package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.PredictOptions;
import dev.mlops.serving.PredictionRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Payload logging into mlops.db: sampling, redaction, incremental reads. */
class PredictionLogTest {
  record Address(String city, String street) {}

  record Customer(double age, String email, Address address) {}

  record Score(double value) {}

  @TempDir Path home;
  Mlops m;

  @BeforeEach
  void open() {
    m = Mlops.open(home);
  }

  @AfterEach
  void close() {
    m.close();
  }

  static List<Score> model(List<Customer> batch) {
    List<Score> out = new ArrayList<>();
    for (Customer c : batch) {
      out.add(new Score(c.age() / 100));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.5})
  void recordsAreSampledAtTheConfiguredRate(double rate) {
    Endpoint<Customer, Score> ep =
        m.serving()
            .endpoint("sampled-" + (int) (rate * 100), Customer.class, PredictionLogTest::model)
            .logging(rate)
            .build();
    int n = 3000;
    for (int i = 0; i < n; i++) {
      ep.predict(new Customer(i, "x@y", null));
    }
    int logged = m.serving().log(ep.name()).size();
    double sd = Math.sqrt(n * rate * (1 - rate));
    assertThat((double) logged)
        .as("records logged at rate %s", rate)
        .isBetween(n * rate - 6 * sd, n * rate + 6 * sd);
  }

  @Test
  void offAndOptOutLogNothing() {
    Endpoint<Customer, Score> off =
        m.serving().endpoint("off", Customer.class, PredictionLogTest::model).build();
    Endpoint<Customer, Score> all =
        m.serving().endpoint("all", Customer.class, PredictionLogTest::model).logging(1).build();
    for (int i = 0; i < 50; i++) {
      off.predict(new Customer(i, "x@y", null));
      all.predictAll(
          List.of(new Customer(i, "x@y", null)), PredictOptions.defaults().withLog(false));
    }
    assertThat(m.serving().log("off")).isEmpty();
    assertThat(m.serving().log("all")).isEmpty();
  }

  @Test
  void recordsHoldTheRequestAndAreRedactedAtAnyDepth() {
    Instant before = Instant.now().minusSeconds(1);
    Endpoint<Customer, Score> ep =
        m.serving()
            .endpoint("redacted", Customer.class, PredictionLogTest::model)
            .version("7")
            .logging(1.0)
            .redact("email", "street")
            .build();
    ep.predictAll(
        List.of(new Customer(42, "secret@example.com", new Address("Lyon", "1 rue X"))),
        PredictOptions.defaults().withRequestId("req-1"));
    ep.predictAll(
        List.of(new Customer(10, "a@b", null), new Customer(20, "c@d", null)),
        PredictOptions.defaults().withRequestId("req-2"));
    List<PredictionRecord> log = m.serving().log("redacted");
    assertThat(log).hasSize(3);
    PredictionRecord r = log.get(0);
    assertThat(r.endpoint()).isEqualTo("redacted");
    assertThat(r.modelVersion()).isEqualTo("7");
    assertThat(r.requestId()).isEqualTo("req-1");
    assertThat(r.input()).containsEntry("age", 42.0).doesNotContainKey("email");
    assertThat(r.input().get("address")).isEqualTo(Map.of("city", "Lyon"));
    assertThat(r.output()).isEqualTo(Map.of("value", 0.42));
    assertThat(r.latencyMillis()).isGreaterThanOrEqualTo(0);
    assertThat(r.timestamp()).isAfter(before);
    assertThat(log.get(1).requestId()).isEqualTo("req-2/0");
    assertThat(log.get(2).requestId()).isEqualTo("req-2/1");
    assertThat(log.get(1).sequence()).isGreaterThan(r.sequence());
  }

  @Test
  void withServingLogJsonlEveryRecordIsAlsoAJsonLine(@TempDir Path other) throws Exception {
    List<PredictionRecord> stored;
    try (Mlops mj = Mlops.builder().home(other).property("serving.log.jsonl", "jsonl").build()) {
      Endpoint<Customer, Score> ep =
          mj.serving()
              .endpoint("jsonl", Customer.class, PredictionLogTest::model)
              .logging(1.0)
              .redact("email", "street")
              .build();
      for (int i = 0; i < 5; i++) {
        ep.predict(new Customer(20 + i, "a" + i + "@x.org", new Address("Oslo", "Main " + i)));
      }
      stored = mj.serving().log("jsonl");
    }
    List<String> lines = java.nio.file.Files.readAllLines(other.resolve("jsonl/jsonl.jsonl"));
    assertThat(lines).hasSize(5).hasSameSizeAs(stored);
    var json = ServingModule.newMapper();
    for (int i = 0; i < 5; i++) {
      var line = json.readTree(lines.get(i));
      PredictionRecord r = stored.get(i);
      assertThat(line.path("endpoint").asText()).isEqualTo("jsonl");
      assertThat(line.path("request_id").asText()).isEqualTo(r.requestId());
      assertThat(Instant.parse(line.path("timestamp").asText())).isEqualTo(r.timestamp());
      assertThat(line.path("inputs").path("age").asDouble()).isEqualTo(20.0 + i);
      assertThat(line.path("inputs").has("email")).isFalse();
      assertThat(line.path("inputs").path("address").has("street")).isFalse();
      assertThat(line.path("inputs").path("address").path("city").asText()).isEqualTo("Oslo");
      assertThat(line.path("outputs").path("value").asDouble()).isEqualTo((20.0 + i) / 100);
    }
  }

  @Test
  void aFullLogQueueDropsAndCountsWithoutBlocking() throws Exception {
    java.util.concurrent.CountDownLatch storeStuck = new java.util.concurrent.CountDownLatch(1);
    ServingMetrics metrics = new ServingMetrics(List::of);
    PredictionLog plog =
        new PredictionLog(
            () -> {
              try {
                storeStuck.await(30, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw new dev.mlops.StoreException("the store is unavailable");
            },
            java.util.Optional.empty(),
            ServingModule.newMapper(),
            metrics);
    int n = PredictionLog.QUEUE_CAPACITY + 2_000;
    // offering never waits for the stuck store: all offers return, the overflow is refused
    int refused =
        java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  int r = 0;
                  for (int i = 0; i < n; i++) {
                    PredictionLog.Pending p =
                        new PredictionLog.Pending(
                            "e", "", "r" + i, Map.of("x", i), i, 0.1, 0L, java.util.Set.of());
                    if (!plog.offer(p)) {
                      r++;
                    }
                  }
                  return r;
                })
            .get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(refused).isPositive();
    assertThat(metrics.logDropped.get()).isEqualTo(refused);
    // the store fails: every accepted record is dropped and counted too, none lost silently
    storeStuck.countDown();
    plog.flush(30_000);
    assertThat(metrics.logDropped.get()).isEqualTo(n);
    assertThat(metrics.logWritten.get()).isZero();
    plog.close();
  }

  @Test
  void logIsReadIncrementallyAndSurvivesReopening() {
    Endpoint<Customer, Score> ep =
        m.serving().endpoint("paged", Customer.class, PredictionLogTest::model).logging(1).build();
    for (int i = 0; i < 25; i++) {
      ep.predict(new Customer(i, "x", null));
    }
    List<PredictionRecord> first = m.serving().log("paged", 0, 10);
    assertThat(first).hasSize(10);
    List<PredictionRecord> rest = m.serving().log("paged", first.get(9).sequence(), 100);
    assertThat(rest).hasSize(15);
    assertThat(rest.get(0).input().get("age")).isEqualTo(10.0);
    assertThat(m.serving().log("other")).isEmpty();
    assertThat(m.serving().log("paged", 0, 0)).isEmpty();
    assertThatThrownBy(() -> m.serving().log("paged", 0, -1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("limit");
    m.close();
    m = Mlops.open(home);
    assertThat(m.serving().log("paged")).hasSize(25);
  }
}
