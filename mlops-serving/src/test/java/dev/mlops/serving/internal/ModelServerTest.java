package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RequestHandler;
import dev.mlops.serving.ServingRequest;
import dev.mlops.serving.ServingResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP protocols and every status code, on a real server on a loopback port. */
class ModelServerTest {
  record Features(double age, double income, String email) {}

  record Score(double value, boolean churn) {}

  @TempDir Path home;
  Mlops m;
  ModelServer srv;
  Endpoint<Features, Score> ep;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ObjectMapper json = new ObjectMapper();

  static List<Score> model(List<Features> batch) {
    List<Score> out = new ArrayList<>();
    for (Features f : batch) {
      if (f.age() < 0) {
        throw new IllegalArgumentException("age must not be negative");
      }
      out.add(new Score(f.age() + f.income(), f.age() > 50));
    }
    return out;
  }

  @BeforeEach
  void start() {
    m = Mlops.open(home);
    ep = m.serving().endpoint("churn", Features.class, ModelServerTest::model).version("3").build();
    srv = m.serving().server().port(0).add(ep).start();
  }

  @AfterEach
  void stop() {
    srv.close();
    m.close();
  }

  HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(srv.uri().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String ONE_ROW = "{\"instances\": [{\"age\": 1, \"income\": 1}]}";

  HttpResponse<String> postJson(ModelServer server, HttpRequest.BodyPublisher body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.uri().resolve("/invocations"))
            .header("Content-Type", "application/json")
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(srv.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode body(HttpResponse<String> r) throws Exception {
    return json.readTree(r.body());
  }

  void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode b = body(r);
    assertThat(b.path("message").asText()).contains(messagePart);
    assertThat(b.path("error").asText()).isEqualTo(b.path("message").asText());
  }

  @Test
  void mlflowJsonFormatsAllAnswerPredictions() throws Exception {
    String[] bodies = {
      "{\"dataframe_split\": {\"columns\": [\"age\", \"income\", \"email\"],"
          + " \"data\": [[60, 1.5, \"a@b\"], [20, 2, \"c@d\"]]}}",
      "{\"dataframe_records\": [{\"age\": 60, \"income\": 1.5, \"email\": \"a@b\"},"
          + " {\"age\": 20, \"income\": 2}], \"params\": {\"threshold\": 0.5}}",
      "{\"instances\": [{\"age\": 60, \"income\": 1.5}, {\"age\": 20, \"income\": 2}]}",
      "{\"instances\": [[60, 1.5, \"x\"], [20, 2, null]]}",
      "{\"inputs\": {\"age\": [60, 20], \"income\": [1.5, 2]}}",
      "{\"inputs\": [{\"age\": 60, \"income\": 1.5}, {\"age\": 20, \"income\": 2}]}"
    };
    for (String b : bodies) {
      HttpResponse<String> r = post("/invocations", "application/json", b);
      assertThat(r.statusCode()).as(b + " -> " + r.body()).isEqualTo(200);
      JsonNode p = body(r).get("predictions");
      assertThat(p.size()).as(b).isEqualTo(2);
      assertThat(p.get(0).get("value").asDouble()).as(b).isEqualTo(61.5);
      assertThat(p.get(0).get("churn").asBoolean()).isTrue();
      assertThat(p.get(1).get("value").asDouble()).isEqualTo(22);
      assertThat(r.headers().firstValue("X-Model-Version")).hasValue("3");
    }
  }

  @Test
  void mlflowCsvAndHealthAndVersion() throws Exception {
    HttpResponse<String> r =
        post("/invocations", "text/csv; charset=utf-8", "age,income,email\n60,1.5,a@b\n20,2,c@d\n");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(body(r).get("predictions").get(1).get("value").asDouble()).isEqualTo(22);
    assertThat(get("/ping").statusCode()).isEqualTo(200);
    assertThat(get("/health").body()).isEqualTo("\n");
    HttpResponse<String> v = get("/version");
    assertThat(v.statusCode()).isEqualTo(200);
    assertThat(v.body()).isNotBlank();
  }

  @Test
  void badRequestsGet400NamingTheField() throws Exception {
    assertError(
        post("/invocations", "application/json", "{\"instances\": [{\"age\": "),
        400,
        "malformed JSON");
    assertError(
        post(
            "/invocations",
            "application/json",
            "{\"instances\": [{\"age\": \"old\", \"income\": 1}]}"),
        400,
        "instances[0].age");
    assertError(
        post(
            "/invocations",
            "application/json",
            "{\"instances\": [{\"age\": 1, \"income\": 1, \"height\": 1}]}"),
        400,
        "height");
    assertError(post("/invocations", "application/json", "[1, 2]"), 400, "exactly one of");
    assertError(
        post("/invocations", "application/json", "{\"instances\": [], \"inputs\": []}"),
        400,
        "exactly one of");
    assertError(
        post("/invocations", "application/json", "{\"params\": {}}"), 400, "exactly one of");
    assertError(
        post(
            "/invocations",
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"age\"], \"data\": [[1, 2]]}}"),
        400,
        "dataframe_split.data[0]");
    assertError(post("/invocations", "text/csv", "age,income\n"), 400, "no rows");
    // the server keeps serving
    assertThat(
            post(
                    "/invocations",
                    "application/json",
                    "{\"instances\": [{\"age\": 1, \"income\": 1}]}")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void unsupportedMediaTypesGet415() throws Exception {
    assertError(post("/invocations", "text/plain", "age\n1"), 415, "text/plain");
    assertError(post("/invocations", "application/json; charset=latin-1", "{}"), 415, "charset");
    assertError(post("/invocations", null, "{}"), 415, "Content-Type");
    assertError(post("/v2/models/churn/infer", "application/xml", "<a/>"), 415, "application/xml");
  }

  @Test
  void modelFailureGets500AndUnknownThingsGet404() throws Exception {
    assertError(
        post("/invocations", "application/json", "{\"instances\": [{\"age\": -1, \"income\": 1}]}"),
        500,
        "age must not be negative");
    assertError(get("/v2/models/nope"), 404, "nope");
    assertError(get("/v2/models/churn/versions/9"), 404, "9");
    assertError(get("/no/such/route"), 404, "no route");
    assertError(post("/v2/models/nope/infer", "application/json", "{}"), 404, "nope");
    HttpResponse<String> wrongMethod = get("/invocations");
    assertError(wrongMethod, 405, "POST");
  }

  @Test
  void openInferenceProtocolMetadataHealthAndInfer() throws Exception {
    assertThat(body(get("/v2")).get("name").asText()).isEqualTo("mlops-java");
    assertThat(body(get("/v2/health/live")).get("live").asBoolean()).isTrue();
    assertThat(body(get("/v2/health/ready")).get("ready").asBoolean()).isTrue();
    JsonNode meta = body(get("/v2/models/churn"));
    assertThat(meta.get("name").asText()).isEqualTo("churn");
    assertThat(meta.get("versions").get(0).asText()).isEqualTo("3");
    assertThat(meta.get("inputs").findValuesAsText("name"))
        .containsExactly("age", "income", "email");
    assertThat(meta.get("inputs").get(0).get("datatype").asText()).isEqualTo("FP64");
    assertThat(meta.get("inputs").get(2).get("datatype").asText()).isEqualTo("BYTES");
    assertThat(get("/v2/models/churn/ready").statusCode()).isEqualTo(200);
    assertThat(get("/v2/models/churn/versions/3/ready").statusCode()).isEqualTo(200);
    assertThat(get("/v2/models/churn/versions/3").statusCode()).isEqualTo(200);

    String flat =
        "{\"id\": \"req-42\", \"inputs\": ["
            + "{\"name\": \"age\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [60, 20]},"
            + "{\"name\": \"income\", \"shape\": [2, 1], \"datatype\": \"FP64\", \"data\": [[1.5], [2]]}]}";
    // income is [N,1]: nested rows [1.5] do not fit a double field -> 400 naming it
    assertError(post("/v2/models/churn/infer", "application/json", flat), 400, "income");

    String ok =
        "{\"id\": \"req-42\", \"inputs\": ["
            + "{\"name\": \"age\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [[60], [20]]},"
            + "{\"name\": \"income\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1.5, 2]}]}";
    HttpResponse<String> r = post("/v2/models/churn/versions/3/infer", "application/json", ok);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode b = body(r);
    assertThat(b.get("id").asText()).isEqualTo("req-42");
    assertThat(b.get("model_name").asText()).isEqualTo("churn");
    assertThat(b.get("model_version").asText()).isEqualTo("3");
    JsonNode value = b.get("outputs").get(0);
    assertThat(value.get("name").asText()).isEqualTo("value");
    assertThat(value.get("datatype").asText()).isEqualTo("FP64");
    assertThat(value.get("shape").toString()).isEqualTo("[2]");
    assertThat(value.get("data").toString()).isEqualTo("[61.5,22.0]");
    JsonNode churn = b.get("outputs").get(1);
    assertThat(churn.get("datatype").asText()).isEqualTo("BOOL");
    assertThat(churn.get("data").toString()).isEqualTo("[true,false]");

    String onlyChurn = ok.replace("}]}", "}], \"outputs\": [{\"name\": \"churn\"}]}");
    JsonNode filtered = body(post("/v2/models/churn/infer", "application/json", onlyChurn));
    assertThat(filtered.get("outputs").size()).isEqualTo(1);
    assertThat(filtered.get("outputs").get(0).get("name").asText()).isEqualTo("churn");
  }

  @Test
  void openInferenceProtocolRejectsBadTensors() throws Exception {
    String shape =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [3], \"datatype\": \"FP64\", \"data\": [1, 2]}]}";
    assertError(post("/v2/models/churn/infer", "application/json", shape), 400, "shape");
    String type =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [1], \"datatype\": \"INT8\", \"data\": [300]}]}";
    assertError(post("/v2/models/churn/infer", "application/json", type), 400, "INT8");
    String dtype =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [1], \"datatype\": \"FLOAT\", \"data\": [1]}]}";
    assertError(post("/v2/models/churn/infer", "application/json", dtype), 400, "datatype");
    assertError(
        post("/v2/models/churn/infer", "application/json", "{\"inputs\": []}"), 400, "inputs");
    String batch =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]},"
            + "{\"name\": \"income\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1, 2]}]}";
    assertError(post("/v2/models/churn/infer", "application/json", batch), 400, "batch size");
  }

  @Test
  void bearerTokenIsRequiredExceptOnHealthProbes() throws Exception {
    try (ModelServer secured = m.serving().server().port(0).bearerToken("s3cret").add(ep).start()) {
      URI base = secured.uri();
      String body = "{\"instances\": [{\"age\": 1, \"income\": 1}]}";
      HttpResponse<String> none =
          http.send(
              HttpRequest.newBuilder(base.resolve("/invocations"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(none, 401, "bearer token");
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      HttpResponse<String> wrong =
          http.send(
              HttpRequest.newBuilder(base.resolve("/metrics"))
                  .header("Authorization", "Bearer nope")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(wrong, 401, "bearer token");
      HttpResponse<String> right =
          http.send(
              HttpRequest.newBuilder(base.resolve("/invocations"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer s3cret")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(base.resolve("/v2/health/ready")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void bodiesOverTheLimitGet413AndTheServerKeepsServing() throws Exception {
    try (ModelServer small = m.serving().server().port(0).maxBodyBytes(1024).add(ep).start()) {
      char[] big = new char[4096];
      Arrays.fill(big, ' ');
      String body = ONE_ROW + new String(big);
      HttpResponse<String> r = postJson(small, HttpRequest.BodyPublishers.ofString(body));
      assertError(r, 413, "1024");
      HttpResponse<String> again = postJson(small, HttpRequest.BodyPublishers.ofString(ONE_ROW));
      assertThat(again.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aLargeBodyOverTheLimitGetsACleanJson413OnAKeptConnection() throws Exception {
    // 3 MiB over a 1 MiB limit: far more than the JDK server drains by itself (64 KiB), so
    // without draining the client would see a connection reset instead of the 413
    try (ModelServer small = m.serving().server().port(0).maxBodyBytes(1 << 20).add(ep).start()) {
      byte[] big = new byte[3 << 20];
      Arrays.fill(big, (byte) ' ');
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> r = postJson(small, HttpRequest.BodyPublishers.ofByteArray(big));
        assertError(r, 413, "limit of 1048576 bytes");
      }
      // a 401 also answers before reading the body
      try (ModelServer secured =
          m.serving().server().port(0).bearerToken("t").maxBodyBytes(1 << 20).add(ep).start()) {
        HttpResponse<String> r = postJson(secured, HttpRequest.BodyPublishers.ofByteArray(big));
        assertError(r, 401, "bearer token");
      }
      HttpResponse<String> ok = postJson(small, HttpRequest.BodyPublishers.ofString(ONE_ROW));
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theDefaultBodyLimitIs16MiB() {
    RequestHandler h = m.serving().handler().add(ep).build();
    java.util.function.LongFunction<ServingResponse> withLength =
        n ->
            h.handle(
                new ServingRequest(
                    "POST",
                    "/invocations",
                    "",
                    java.util.Map.of(
                        "Content-Type",
                        List.of("application/json"),
                        "Content-Length",
                        List.of(Long.toString(n))),
                    new java.io.ByteArrayInputStream(
                        "{\"instances\": [{\"age\": 1, \"income\": 1}]}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(withLength.apply(16L * 1024 * 1024 + 1).status()).isEqualTo(413);
    // at the limit the declared length is accepted (the short body then fails as JSON, not 413)
    assertThat(withLength.apply(16L * 1024 * 1024).status()).isNotEqualTo(413);
  }

  @Test
  void requestsCountOncePerRequestAndRefusalsCountForTheirEndpoint() throws Exception {
    post(
        "/invocations",
        "application/json",
        "{\"instances\": [{\"age\": 1, \"income\": 1}, {\"age\": 2, \"income\": 2}]}");
    post("/invocations", "application/json", "{\"instances\": [{\"age\": \"x\"}]}");
    post("/invocations", "text/xml", "<a/>");
    ep.predictAll(List.of(new Features(1, 1, null), new Features(2, 2, null)));
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .as("two requests of two inputs each")
        .contains(
            "mlops_serving_requests_total{endpoint=\"churn\",model=\"churn\",status=\"200\",version=\"3\"} 2")
        .contains(
            "mlops_serving_requests_total{endpoint=\"churn\",model=\"churn\",status=\"400\",version=\"\"} 1")
        .contains(
            "mlops_serving_requests_total{endpoint=\"churn\",model=\"churn\",status=\"415\",version=\"\"} 1")
        .contains(
            "mlops_serving_batch_size_sum{endpoint=\"churn\",model=\"churn\",version=\"3\"} 4");
  }

  @Test
  void overloadGets503WithRetryAfterThenRecovers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Endpoint<Features, Score> slow =
        m.serving()
            .endpoint(
                "slow",
                Features.class,
                (List<Features> b) -> {
                  release.await(10, TimeUnit.SECONDS);
                  return model(b);
                })
            .concurrency(1)
            .maxQueue(1)
            .build();
    try (ModelServer s = m.serving().server().port(0).add(slow).start()) {
      HttpRequest req =
          HttpRequest.newBuilder(s.uri().resolve("/invocations"))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"instances\": [{\"age\": 1, \"income\": 1}]}"))
              .build();
      List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
      HttpResponse<String> refused = null;
      for (int i = 0; i < 10 && refused == null; i++) {
        CompletableFuture<HttpResponse<String>> f =
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        try {
          HttpResponse<String> r = f.get(300, TimeUnit.MILLISECONDS);
          if (r.statusCode() == 503) {
            refused = r;
          }
        } catch (java.util.concurrent.TimeoutException e) {
          inflight.add(f);
        }
      }
      assertThat(refused).isNotNull();
      assertError(refused, 503, "overloaded");
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      release.countDown();
      for (CompletableFuture<HttpResponse<String>> f : inflight) {
        assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void notReadyGets503() throws Exception {
    Endpoint<Features, Score> other =
        m.serving().endpoint("other", Features.class, ModelServerTest::model).build();
    try (ModelServer s = m.serving().server().port(0).add(other).start()) {
      other.close();
      HttpResponse<String> ping =
          http.send(
              HttpRequest.newBuilder(s.uri().resolve("/ping")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(ping, 503, "endpoint");
      HttpResponse<String> infer =
          http.send(
              HttpRequest.newBuilder(s.uri().resolve("/v2/models/other/infer"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": []}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertError(infer, 503, "not loaded");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(s.uri().resolve("/v2/health/ready")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(503);
    }
  }

  @Test
  void requestHeadersMatchInAnyCaseAndHttpCountersAddUp() throws Exception {
    String body = "{\"instances\": [{\"age\": 1, \"income\": 1}]}";
    List<String> ids = List.of("X-Request-Id", "x-request-id", "X-REQUEST-ID");
    for (String name : ids) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(srv.uri().resolve("/invocations"))
                  .header("content-TYPE", "application/json")
                  .header(name, "req-" + name)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Request-Id")).as(name).contains("req-" + name);
    }
    assertThat(post("/invocations", "text/xml", "<a/>").statusCode()).isEqualTo(415);
    assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    assertThat(get("/metrics").body())
        .contains("mlops_serving_http_requests_total{route=\"invocations\",status=\"200\"} 3")
        .contains("mlops_serving_http_requests_total{route=\"invocations\",status=\"415\"} 1")
        .contains("mlops_serving_http_requests_total{route=\"other\",status=\"404\"} 1");
  }

  @Test
  void metricsUsePrometheusTextFormat() throws Exception {
    post("/invocations", "application/json", "{\"instances\": [{\"age\": 1, \"income\": 1}]}");
    post("/invocations", "application/json", "{\"instances\": [{\"age\": -1, \"income\": 1}]}");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body())
        .contains(
            "mlops_serving_requests_total{endpoint=\"churn\",model=\"churn\",status=\"200\",version=\"3\"} 1")
        .contains(
            "mlops_serving_requests_total{endpoint=\"churn\",model=\"churn\",status=\"500\",version=\"3\"} 1")
        .contains("mlops_serving_request_duration_seconds_bucket{")
        .contains("mlops_serving_queue_duration_seconds_count{")
        .contains("mlops_serving_batch_size_bucket{")
        .contains("mlops_serving_in_flight{endpoint=\"churn\"}")
        .contains("mlops_serving_queue_depth{endpoint=\"churn\",version=\"3\"} 0")
        .contains("mlops_serving_model_info{endpoint=\"churn\",model=\"churn\",role=\"primary\"")
        .contains("mlops_serving_http_requests_total{route=\"invocations\",status=\"500\"} 1");
  }

  @Test
  void keepAliveConnectionsRunWithNagleOff() throws Exception {
    // JDK 17 stalls ~40 ms per keep-alive request unless sun.net.httpserver.nodelay is set before
    // the first server exists; the < 5 ms round-trip bound is KeepAliveLatencyIT (Failsafe), as
    // no unit test asserts a time
    assertThat(System.getProperty(JdkModelServer.NODELAY)).isEqualTo("true");
    String payload = "{\"instances\": [{\"age\": 1, \"income\": 1}]}";
    byte[] request =
        ("POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + payload.length()
                + "\r\n\r\n"
                + payload)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", srv.port())) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(5_000);
      java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      java.io.OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 50; i++) {
        out.write(request);
        out.flush();
        assertThat(readResponse(in))
            .as("request %d on one connection", i)
            .startsWith("HTTP/1.1 200");
      }
    }
  }

  /** Reads one HTTP/1.1 response with a Content-Length body; returns its status line. */
  static String readResponse(java.io.InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  @Test
  void closeDrainsInFlightRequests() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Endpoint<Features, Score> slow =
        m.serving()
            .endpoint(
                "draining",
                Features.class,
                (List<Features> b) -> {
                  entered.countDown();
                  Thread.sleep(300);
                  return model(b);
                })
            .build();
    ModelServer s = m.serving().server().port(0).add(slow).start();
    CompletableFuture<HttpResponse<String>> f =
        http.sendAsync(
            HttpRequest.newBuilder(s.uri().resolve("/invocations"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"instances\": [{\"age\": 2, \"income\": 1}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    s.close();
    HttpResponse<String> r = f.get(5, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body(r).get("predictions").get(0).get("value").asDouble()).isEqualTo(3);
  }
}
