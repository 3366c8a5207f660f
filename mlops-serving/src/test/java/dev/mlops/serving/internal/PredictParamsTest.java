package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.ParameterizedPredictor;
import dev.mlops.serving.PredictOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MLflow {@code params} and OIP {@code parameters} reach a {@link ParameterizedPredictor}. */
class PredictParamsTest {
  record In(double x) {}

  record Out(double y, Map<String, Object> params) {}

  @TempDir Path home;
  Mlops m;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Scales x by params.scale (default 1); echoes the params it was called with. */
  static final ParameterizedPredictor<In, Out> SCALER =
      (batch, params) -> {
        double scale = ((Number) params.getOrDefault("scale", 1)).doubleValue();
        List<Out> out = new ArrayList<>();
        for (In i : batch) {
          out.add(new Out(i.x() * scale, params));
        }
        return out;
      };

  @BeforeEach
  void open() {
    m = Mlops.open(home);
  }

  @AfterEach
  void close() {
    m.close();
  }

  @Test
  void inProcessParamsReachTheModelAndDefaultsAreEmpty() {
    Endpoint<In, Out> ep = m.serving().endpoint("scaled", In.class, SCALER).build();
    assertThat(ep.predict(new In(2)).y()).isEqualTo(2.0);
    assertThat(ep.predict(new In(2)).params()).isEmpty();
    var p =
        ep.predictAll(
            List.of(new In(2), new In(3)),
            PredictOptions.defaults().withParams(Map.of("scale", 10)));
    assertThat(p.outputs()).extracting(Out::y).containsExactly(20.0, 30.0);
    assertThat(p.outputs().get(0).params()).containsEntry("scale", 10);
  }

  @Test
  void optionsCopyTheirParams() {
    Map<String, Object> mutable = new java.util.HashMap<>(Map.of("scale", 2));
    PredictOptions o = PredictOptions.defaults().withParams(mutable);
    mutable.put("scale", 3);
    assertThat(o.params()).containsEntry("scale", 2);
    assertThat(o.withRequestId("r").withLog(false).params()).containsEntry("scale", 2);
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void aBatchNeverMixesRequestsWithDifferentParams(long seed) throws Exception {
    List<Map<String, Object>> seen = Collections.synchronizedList(new ArrayList<>());
    ParameterizedPredictor<In, Out> model =
        (batch, params) -> {
          seen.add(params);
          Thread.sleep(1);
          return SCALER.predict(batch, params);
        };
    Endpoint<In, Out> ep =
        m.serving()
            .endpoint("batched-" + seed, In.class, model)
            .batching(16, Duration.ofMillis(5))
            .concurrency(2)
            .build();
    Random r = new Random(seed);
    int callers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int scale = 1 + r.nextInt(3);
        double x = r.nextInt(1000);
        done.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 20; k++) {
                    Out o =
                        ep.predictAll(
                                List.of(new In(x + k)),
                                PredictOptions.defaults().withParams(Map.of("scale", scale)))
                            .outputs()
                            .get(0);
                    assertThat(o.y()).as("seed %d", seed).isEqualTo((x + k) * scale);
                    assertThat(o.params()).as("seed %d", seed).containsEntry("scale", scale);
                  }
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).as("seed %d: every batch got one params map", seed).isNotEmpty();
  }

  @Test
  void mlflowParamsAndOipParametersReachTheModelOverHttp() throws Exception {
    Endpoint<In, Out> ep = m.serving().endpoint("scaled", In.class, SCALER).build();
    try (ModelServer srv = m.serving().server().port(0).add(ep).start()) {
      JsonNode r =
          post(
              srv.uri().resolve("/invocations"),
              "{\"instances\": [{\"x\": 2}, {\"x\": 4}], \"params\": {\"scale\": 0.5,"
                  + " \"mode\": \"fast\", \"tags\": [1, 2]}}");
      assertThat(r.path("predictions").findValues("y"))
          .extracting(JsonNode::asDouble)
          .containsExactly(1.0, 2.0);
      JsonNode echoed = r.path("predictions").get(0).path("params");
      assertThat(echoed.path("mode").asText()).isEqualTo("fast");
      assertThat(echoed.path("tags").size()).isEqualTo(2);

      JsonNode none =
          post(srv.uri().resolve("/invocations"), "{\"inputs\": [{\"x\": 2}], \"params\": null}");
      assertThat(none.path("predictions").get(0).path("y").asDouble()).isEqualTo(2.0);

      JsonNode oip =
          post(
              srv.uri().resolve("/v2/models/scaled/infer"),
              "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP64\","
                  + " \"data\": [3]}], \"parameters\": {\"scale\": 3}}");
      assertThat(oip.path("outputs").toString()).contains("9.0");
    }
  }

  @Test
  void aPlainPredictorIgnoresParams() throws Exception {
    Endpoint<In, Double> ep =
        m.serving()
            .endpoint("plain", In.class, (List<In> batch) -> batch.stream().map(In::x).toList())
            .build();
    try (ModelServer srv = m.serving().server().port(0).add(ep).start()) {
      JsonNode r =
          post(
              srv.uri().resolve("/invocations"),
              "{\"instances\": [{\"x\": 2}], \"params\": {\"scale\": 10}}");
      assertThat(r.path("predictions").get(0).asDouble()).isEqualTo(2.0);
    }
  }

  private JsonNode post(URI uri, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }
}
