package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs the protocol vectors do not cover, probed over real HTTP on a loopback port. The expected
 * answers come from the MLflow scoring server source (mlflow/pyfunc/scoring_server/__init__.py,
 * mlflow/utils/proto_json_utils.py: dataframe_from_parsed_json, parse_tf_serving_input,
 * _cast_schema_type; pandas.read_csv defaults) and the Open Inference Protocol text (kserve/kserve
 * docs/predict-api/v2/required_api.md).
 */
class ProtocolEdgeCaseTest {
  record Features(double age, double income, String email) {}

  record Score(double value, boolean churn) {}

  record One(double x) {}

  record Renamed(@JsonProperty("Age") double age, @JsonProperty("Income") double income) {}

  @TempDir Path home;
  Mlops m;
  ModelServer srv;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() {
    m = Mlops.open(home);
    Endpoint<Features, Score> churn =
        m.serving()
            .endpoint(
                "churn",
                Features.class,
                b -> {
                  List<Score> out = new ArrayList<>();
                  for (Features f : b) {
                    out.add(new Score(f.age() + f.income(), f.email() == null));
                  }
                  return out;
                })
            .version("3")
            .build();
    Endpoint<One, Double> one =
        m.serving()
            .endpoint("one", One.class, b -> b.stream().map(x -> x.x() * 2).toList())
            .build();
    Endpoint<Double, Double> dbl =
        m.serving().endpoint("dbl", Double.class, b -> b.stream().map(x -> x * 2).toList()).build();
    Endpoint<String, String> str =
        m.serving()
            .endpoint("str", String.class, b -> b.stream().map(x -> x + "!").toList())
            .build();
    Endpoint<double[], Double> sum =
        m.serving()
            .endpoint(
                "sum",
                double[].class,
                b -> b.stream().map(a -> java.util.Arrays.stream(a).sum()).toList())
            .build();
    Endpoint<Double, Map<String, Object>> sparse =
        m.serving()
            .endpoint(
                "sparse",
                Double.class,
                b -> {
                  List<Map<String, Object>> out = new ArrayList<>();
                  for (Double x : b) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("score", x > 0 ? x : null);
                    r.put("label", x > 0 ? "pos" : null);
                    out.add(r);
                  }
                  return out;
                })
            .build();
    srv =
        m.serving()
            .server()
            .port(0)
            .add(churn)
            .add(one)
            .add(dbl)
            .add(str)
            .add(sum)
            .add(sparse)
            .start();
  }

  @AfterEach
  void stop() {
    srv.close();
    m.close();
  }

  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(srv.uri().resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return send("POST", path, contentType, body);
  }

  JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode b = json.readTree(r.body());
    assertThat(b.path("error").asText()).as(r.body()).contains(messagePart);
    assertThat(b.path("message").asText()).isEqualTo(b.path("error").asText());
  }

  /** The server still answers a plain request after a refusal. */
  void stillServes() throws Exception {
    JsonNode b =
        ok(
            post(
                "/endpoints/churn/invocations",
                "application/json",
                "{\"instances\": [{\"age\": 1, \"income\": 2, \"email\": \"e\"}]}"));
    assertThat(b.get("predictions").get(0).get("value").asDouble()).isEqualTo(3.0);
  }

  // ------------------------------------------------------------------ MLflow /invocations

  @ParameterizedTest
  @ValueSource(
      strings = {
        // Python's json.loads refuses "Extra data" after the document: MLflow answers 400
        "{\"instances\": [{\"age\": 1, \"income\": 2}]} trailing",
        "{\"instances\": [{\"age\": 1, \"income\": 2}]} {}",
        "{\"instances\": [{\"age\": 1, \"income\": 2}]}]"
      })
  void textAfterTheJsonDocumentIsMalformed(String body) throws Exception {
    assertError(post("/endpoints/churn/invocations", "application/json", body), 400, "JSON");
    stillServes();
  }

  @Test
  void dataframeSplitTakesOnlyDataColumnsAndIndexAsPandasDoes() throws Exception {
    String path = "/endpoints/churn/invocations";
    // columns in another order than the record's components, with an index: accepted
    JsonNode b =
        ok(
            post(
                path,
                "application/json",
                "{\"dataframe_split\": {\"index\": [7, 8], \"columns\": [\"email\", \"income\","
                    + " \"age\"], \"data\": [[\"a\", 1.5, 60], [null, 2, 20]]}}"));
    assertThat(b.get("predictions").toString())
        .isEqualTo("[{\"value\":61.5,\"churn\":false},{\"value\":22.0,\"churn\":true}]");
    // dataframe_from_parsed_json: "must have 'data' field and optionally 'columns' and 'index'"
    assertError(
        post(
            path,
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"age\", \"income\"], \"data\": [[1, 2]],"
                + " \"dtype\": \"float\"}}"),
        400,
        "dtype");
    // pandas.DataFrame(index=[0, 1], data=<1 row>) raises "indices imply": 400
    assertError(
        post(
            path,
            "application/json",
            "{\"dataframe_split\": {\"index\": [0, 1], \"columns\": [\"age\", \"income\"],"
                + " \"data\": [[1, 2]]}}"),
        400,
        "dataframe_split.index");
    // a column named twice would silently lose one of the values
    assertError(
        post(
            path,
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"age\", \"age\", \"income\"],"
                + " \"data\": [[1, 2, 3]]}}"),
        400,
        "'age' twice");
    stillServes();
  }

  @Test
  void csvSkipsBlankLinesAndReadsEmptyCellsAsMissing() throws Exception {
    String path = "/endpoints/churn/invocations";
    // pandas.read_csv: skip_blank_lines=True; an empty cell is NaN (missing), CRLF and BOM fine
    JsonNode b =
        ok(
            post(
                path,
                "text/csv; charset=utf-8",
                "\ufeffage,income,email\r\n1,2,\r\n\r\n3,4,\"x,y\"\r\n\r\n"));
    assertThat(b.get("predictions").toString())
        .isEqualTo("[{\"value\":3.0,\"churn\":true},{\"value\":7.0,\"churn\":false}]");
    // a missing value for a primitive field is refused naming row and field
    assertError(post(path, "text/csv", "age,income,email\n1,,x\n"), 400, "csv[0].income");
    stillServes();
  }

  @Test
  void aOneFieldInputTakesBareValuesAndAScalarInputTakesOneColumnRows() throws Exception {
    // _cast_schema_type: a list of values for a one-column schema is that column
    for (String body :
        new String[] {
          "{\"instances\": [1, 2.5]}",
          "{\"inputs\": [1, 2.5]}",
          "{\"inputs\": {\"x\": [1, 2.5]}}",
          "{\"dataframe_split\": {\"columns\": [\"x\"], \"data\": [[1], [2.5]]}}",
          "{\"dataframe_records\": [{\"x\": 1}, {\"x\": 2.5}]}"
        }) {
      assertThat(ok(post("/endpoints/one/invocations", "application/json", body)))
          .as(body)
          .hasToString("{\"predictions\":[2.0,5.0]}");
      assertThat(ok(post("/endpoints/dbl/invocations", "application/json", body)))
          .as(body)
          .hasToString("{\"predictions\":[2.0,5.0]}");
    }
    assertThat(ok(post("/endpoints/dbl/invocations", "text/csv", "x\n1\n2.5\n")))
        .hasToString("{\"predictions\":[2.0,5.0]}");
    assertThat(ok(post("/endpoints/str/invocations", "text/csv", "s\nh\u00e9\n")))
        .hasToString("{\"predictions\":[\"h\u00e9!\"]}");
    // an array input takes a row's values in column order
    assertThat(
            ok(
                post(
                    "/endpoints/sum/invocations",
                    "application/json",
                    "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [[1, 2], [3,"
                        + " 4]]}}")))
        .hasToString("{\"predictions\":[3.0,7.0]}");
    // two columns for a scalar input stay an error
    assertError(
        post(
            "/endpoints/dbl/invocations",
            "application/json",
            "{\"dataframe_records\": [{\"x\": 1, \"y\": 2}]}"),
        400,
        "dataframe_records[0]");
  }

  @Test
  void scalarRowsOfAOneColumnSplitAndPositionalRowsOfARenamedRecord() throws Exception {
    // pandas.DataFrame(columns=["x"], data=[1, 2.5]) is one column of two rows
    assertThat(
            ok(
                post(
                    "/endpoints/one/invocations",
                    "application/json",
                    "{\"dataframe_split\": {\"columns\": [\"x\"], \"data\": [1, 2.5]}}")))
        .hasToString("{\"predictions\":[2.0,5.0]}");
    assertThat(
            ok(
                post(
                    "/endpoints/dbl/invocations",
                    "application/json",
                    "{\"dataframe_split\": {\"data\": [1, 2.5]}}")))
        .hasToString("{\"predictions\":[2.0,5.0]}");
    // two columns still need row arrays
    assertError(
        post(
            "/endpoints/churn/invocations",
            "application/json",
            "{\"dataframe_split\": {\"columns\": [\"age\", \"income\"], \"data\": [1]}}"),
        400,
        "dataframe_split.data[0]");
    Endpoint<Renamed, Double> renamed =
        m.serving()
            .endpoint(
                "renamed",
                Renamed.class,
                b -> b.stream().map(r -> r.age() * 10 + r.income()).toList())
            .build();
    try (ModelServer s = m.serving().server().port(0).add(renamed).start()) {
      for (String body :
          new String[] {
            "{\"instances\": [[1, 2]]}",
            "{\"dataframe_split\": {\"data\": [[1, 2]]}}",
            "{\"dataframe_records\": [{\"Age\": 1, \"Income\": 2}]}"
          }) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(s.uri().resolve("/invocations"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok(r)).as(body).hasToString("{\"predictions\":[12.0]}");
      }
    }
  }

  // ------------------------------------------------------------------ Open Inference Protocol

  @ParameterizedTest
  @ValueSource(
      strings = {
        // 65536^4 = 2^64 wraps a long to 0, which matched the empty data before the fix
        "[65536, 65536, 65536, 65536]",
        "[2147483647, 2147483647, 4]",
        "[2147483647, 2147483647, 2147483647, 2147483647, 2147483647]"
      })
  void aShapeTooLargeForTheBodyIs400NotAnInternalError(String shape) throws Exception {
    String body =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": "
            + shape
            + ", \"datatype\": \"FP64\", \"data\": []}]}";
    assertError(post("/v2/models/churn/infer", "application/json", body), 400, "shape");
    stillServes();
  }

  @Test
  void inputTensorsNamingNoFieldOrNamedTwiceAre400NamingThem() throws Exception {
    String unknown =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]},"
            + "{\"name\": \"height\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}]}";
    assertError(post("/v2/models/churn/infer", "application/json", unknown), 400, "'height'");
    String twice =
        "{\"inputs\": [{\"name\": \"age\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]},"
            + "{\"name\": \"age\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [5]}]}";
    assertError(
        post("/v2/models/churn/infer", "application/json", twice), 400, "'age' given twice");
    stillServes();
  }

  @Test
  void outputTensorsKeepMissingValuesAsNullWithTheTypeOfTheRest() throws Exception {
    String body =
        "{\"id\": \"r1\", \"inputs\": [{\"name\": \"x\", \"shape\": [3], \"datatype\": \"FP64\","
            + " \"data\": [1.5, -1, 2]}]}";
    JsonNode b = ok(post("/v2/models/sparse/infer", "application/json", body));
    assertThat(b.get("id").asText()).isEqualTo("r1");
    JsonNode score = b.get("outputs").get(0);
    assertThat(score.get("datatype").asText()).isEqualTo("FP64");
    assertThat(score.get("data").toString()).isEqualTo("[1.5,null,2.0]");
    JsonNode label = b.get("outputs").get(1);
    assertThat(label.get("datatype").asText()).isEqualTo("BYTES");
    assertThat(label.get("data").toString()).isEqualTo("[\"pos\",null,\"pos\"]");
  }

  @Test
  void modelMetadataListsNoEmptyVersion() throws Exception {
    JsonNode meta = ok(send("GET", "/v2/models/dbl", null, null));
    assertThat(meta.get("versions").toString()).isEqualTo("[]");
    assertThat(ok(send("GET", "/v2/models/churn", null, null)).get("versions").toString())
        .isEqualTo("[\"3\"]");
  }

  // ------------------------------------------------------------------ auth and headers

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bearer s3cret|200",
        "bearer s3cret|200",
        "BEARER   s3cret|200",
        "Bearer S3CRET|401",
        "Bearer s3cret2|401",
        "Basic s3cret|401",
        "s3cret|401",
        "Bearer|401"
      })
  void theBearerSchemeIgnoresCaseButTheTokenDoesNot(String authorization, int status)
      throws Exception {
    Endpoint<Double, Double> e =
        m.serving().endpoint("auth", Double.class, b -> b.stream().map(x -> x).toList()).build();
    try (ModelServer secured = m.serving().server().port(0).bearerToken("s3cret").add(e).start()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(secured.uri().resolve("/v2/models/auth"))
                  .header("Authorization", authorization)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(authorization + " -> " + r.body()).isEqualTo(status);
    }
  }

  @Test
  void anEndpointWithoutVersionSendsNoEmptyVersionHeader() throws Exception {
    HttpResponse<String> r =
        post("/endpoints/dbl/invocations", "application/json", "{\"instances\": [1]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Model-Version")).isEmpty();
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    HttpResponse<String> v =
        post(
            "/endpoints/churn/invocations",
            "application/json",
            "{\"instances\": [{\"age\": 1, \"income\": 2}]}");
    assertThat(v.headers().firstValue("X-Model-Version")).hasValue("3");
  }

  // ------------------------------------------------------------------ methods

  @ParameterizedTest
  @CsvSource({
    "/ping",
    "/health",
    "/version",
    "/v2",
    "/v2/health/live",
    "/v2/health/ready",
    "/v2/models/churn",
    "/v2/models/churn/ready",
    "/v2/models/churn/versions/3/ready",
    "/metrics"
  })
  void headIsAnsweredWhereGetIs(String path) throws Exception {
    HttpResponse<String> head = send("HEAD", path, null, null);
    assertThat(head.statusCode()).as(path).isEqualTo(send("GET", path, null, null).statusCode());
    assertThat(head.statusCode()).as(path).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void headOrGetOnAPostRouteIs405WithAllow() throws Exception {
    for (String method : new String[] {"HEAD", "GET", "PUT"}) {
      HttpResponse<String> r = send(method, "/v2/models/churn/infer", null, null);
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
    HttpResponse<String> r = send("DELETE", "/ping", null, null);
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    stillServes();
  }
}
