package dev.mlops.serving.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.NotReadyException;
import dev.mlops.serving.OverloadedException;
import dev.mlops.serving.PredictOptions;
import dev.mlops.serving.Prediction;
import dev.mlops.serving.PredictionException;
import dev.mlops.serving.RequestHandler;
import dev.mlops.serving.ServingRequest;
import dev.mlops.serving.ServingResponse;
import dev.mlops.serving.VersionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes (MLflow scoring, Open Inference Protocol, health, metrics) over {@link
 * ServingRequest}/{@link ServingResponse}, independent of the server. Thread-safe.
 */
final class Router implements RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(Router.class);
  static final long DEFAULT_MAX_BODY = 16L * 1024 * 1024;
  static final String VERSION =
      Optional.ofNullable(Router.class.getPackage().getImplementationVersion()).orElse("0.1.0");
  private static final String JSON = "application/json";
  private static final Set<String> MLFLOW_KEYS =
      Set.of("dataframe_split", "dataframe_records", "instances", "inputs");
  private static final Set<String> DATATYPES =
      Set.of(
          "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
          "FP32", "FP64", "BF16", "BYTES");

  /** A failure with its HTTP status. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final Map<String, String> headers;

    HttpError(int status, String message) {
      this(status, message, Map.of());
    }

    HttpError(int status, String message, Map<String, String> headers) {
      super(message, null, false, false);
      this.status = status;
      this.headers = headers;
    }
  }

  /**
   * The endpoint a scoring request addressed, so that a request refused before it reached the
   * endpoint (bad body, wrong media type, too large) still counts in the endpoint's requests.
   */
  private static final class Target {
    Endpoint<?, ?> endpoint;
    boolean reached;
  }

  private final ServingModule module;
  private final ObjectMapper mapper;
  private final CsvMapper csv = new CsvMapper();
  private final Map<Class<?>, List<String>> propertyCache =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Endpoint<?, ?>> endpoints;
  private final byte[] token;
  private final long maxBody;

  Router(ServingModule module, Map<String, Endpoint<?, ?>> endpoints, String token, long maxBody) {
    this.module = module;
    this.mapper = module.mapper();
    this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.maxBody = maxBody;
  }

  @Override
  public ServingResponse handle(ServingRequest request) {
    String route = "other";
    Target target = new Target();
    ServingResponse response;
    try {
      String[] seg = segments(request.path());
      route = routeName(seg);
      response = route(request, seg, target);
    } catch (HttpError e) {
      response = error(e.status, e.getMessage(), e.headers);
    } catch (InvalidInputException e) {
      response = error(400, e.getMessage(), Map.of());
    } catch (NotFoundException e) {
      response = error(404, e.getMessage(), Map.of());
    } catch (OverloadedException e) {
      response =
          error(
              503,
              e.getMessage(),
              Map.of("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds()))));
    } catch (NotReadyException e) {
      response = error(503, e.getMessage(), Map.of("Retry-After", "1"));
    } catch (PredictionException e) {
      response = error(500, e.getMessage(), Map.of());
    } catch (MlopsException e) {
      log.warn("request {} {} failed", request.method(), request.path(), e);
      response = error(500, e.getMessage(), Map.of());
    } catch (RuntimeException e) {
      log.error("request {} {} failed unexpectedly", request.method(), request.path(), e);
      response = error(500, "internal error: " + e.getClass().getSimpleName(), Map.of());
    }
    module.metrics().http(route, response.status()).inc();
    if (target.endpoint != null && !target.reached && response.status() >= 400) {
      Endpoint<?, ?> ep = target.endpoint;
      String model = ep instanceof EndpointImpl ? ((EndpointImpl<?, ?>) ep).model() : ep.name();
      module.metrics().refused(ep.name(), model, response.status());
    }
    return response;
  }

  /** The body limit in bytes. */
  long maxBody() {
    return maxBody;
  }

  private static String[] segments(String path) {
    List<String> out = new ArrayList<>(6);
    String p = path == null ? "" : path;
    int start = 0;
    for (int i = 0; i <= p.length(); i++) {
      if (i == p.length() || p.charAt(i) == '/') {
        if (i > start) {
          out.add(p.substring(start, i));
        }
        start = i + 1;
      }
    }
    return out.toArray(new String[0]);
  }

  private static String routeName(String[] s) {
    if (s.length == 0) {
      return "other";
    }
    switch (s[0]) {
      case "ping":
      case "health":
        return "health";
      case "version":
      case "metrics":
      case "invocations":
        return s[0];
      case "endpoints":
        return "invocations";
      case "v2":
        if (s.length == 1) {
          return "v2_metadata";
        }
        if (s[1].equals("health")) {
          return "v2_health";
        }
        String last = s[s.length - 1];
        return last.equals("infer")
            ? "v2_infer"
            : last.equals("ready") ? "v2_model_ready" : "v2_model_metadata";
      default:
        return "other";
    }
  }

  private ServingResponse route(ServingRequest req, String[] s, Target target) {
    String method = req.method().toUpperCase(Locale.ROOT);
    // health probes stay open without the token (Kubernetes probes carry none)
    if (s.length == 1 && (s[0].equals("ping") || s[0].equals("health"))) {
      requireMethod(method, "GET");
      if (!allReady()) {
        throw new NotReadyException("not every endpoint has a model loaded");
      }
      return new ServingResponse(
          200, Map.of("Content-Type", JSON), "\n".getBytes(StandardCharsets.UTF_8));
    }
    if (s.length == 3 && s[0].equals("v2") && s[1].equals("health")) {
      requireMethod(method, "GET");
      if (s[2].equals("live")) {
        return json(200, Map.of("live", true));
      }
      if (s[2].equals("ready")) {
        if (!allReady()) {
          return json(
              503,
              Map.of(
                  "ready",
                  false,
                  "message",
                  "not every model is loaded",
                  "error",
                  "not every model is loaded"));
        }
        return json(200, Map.of("ready", true));
      }
      throw notFound(req);
    }
    authorize(req);
    if (s.length == 1 && s[0].equals("version")) {
      requireMethod(method, "GET");
      return new ServingResponse(
          200,
          Map.of("Content-Type", "text/plain; charset=utf-8"),
          VERSION.getBytes(StandardCharsets.UTF_8));
    }
    if (s.length == 1 && s[0].equals("metrics")) {
      requireMethod(method, "GET");
      return new ServingResponse(
          200, Map.of("Content-Type", module.metrics().contentType()), module.metrics().scrape());
    }
    if (s.length == 1 && s[0].equals("invocations")) {
      requireMethod(method, "POST");
      target.endpoint = soleEndpoint();
      return invocations(req, target.endpoint, target);
    }
    if (s.length == 3 && s[0].equals("endpoints") && s[2].equals("invocations")) {
      requireMethod(method, "POST");
      target.endpoint = endpoint(s[1]);
      return invocations(req, target.endpoint, target);
    }
    if (s.length >= 1 && s[0].equals("v2")) {
      return v2(req, method, s, target);
    }
    throw notFound(req);
  }

  /**
   * A request header: first by the spelling the JDK server gives names ({@code Content-type}), a
   * single map lookup, then by {@link ServingRequest#header}, which scans the names ignoring case.
   */
  private static Optional<String> header(ServingRequest req, String jdkName, String name) {
    List<String> v = req.headers().get(jdkName);
    if (v != null && !v.isEmpty() && v.get(0) != null) {
      return Optional.of(v.get(0));
    }
    return req.header(name);
  }

  private static HttpError notFound(ServingRequest req) {
    return new HttpError(404, "no route " + req.method() + " " + req.path());
  }

  private static void requireMethod(String method, String allowed) {
    // HEAD is GET without the body (RFC 9110 9.3.2; Flask, hence MLflow, answers it too)
    boolean get = allowed.equals("GET");
    if (!method.equals(allowed) && !(get && method.equals("HEAD"))) {
      String allow = get ? "GET, HEAD" : allowed;
      throw new HttpError(
          405, "method " + method + " not allowed here; use " + allowed, Map.of("Allow", allow));
    }
  }

  private void authorize(ServingRequest req) {
    if (token == null) {
      return;
    }
    // the scheme is case-insensitive and may be followed by several spaces (RFC 9110 11.1,
    // RFC 6750 2.1); the token itself is compared exactly, in constant time
    String auth = header(req, "Authorization", "Authorization").orElse("").trim();
    int sp = auth.indexOf(' ');
    boolean bearer = sp > 0 && auth.substring(0, sp).equalsIgnoreCase("Bearer");
    byte[] given = (bearer ? auth.substring(sp).trim() : "").getBytes(StandardCharsets.UTF_8);
    if (!bearer || !MessageDigest.isEqual(given, token)) {
      throw new HttpError(
          401,
          "missing or wrong bearer token: send Authorization: Bearer <token>",
          Map.of("WWW-Authenticate", "Bearer"));
    }
  }

  private boolean allReady() {
    if (endpoints.isEmpty()) {
      return false;
    }
    for (Endpoint<?, ?> e : endpoints.values()) {
      if (!e.ready()) {
        return false;
      }
    }
    return true;
  }

  private Endpoint<?, ?> soleEndpoint() {
    if (endpoints.size() == 1) {
      return endpoints.values().iterator().next();
    }
    throw new HttpError(
        404,
        endpoints.isEmpty()
            ? "no endpoint is served here"
            : "several endpoints are served here "
                + endpoints.keySet()
                + ": POST /endpoints/{name}/invocations or /v2/models/{name}/infer");
  }

  private Endpoint<?, ?> endpoint(String name) {
    Endpoint<?, ?> e = endpoints.get(name);
    if (e == null) {
      throw new HttpError(
          404, "model '" + name + "' does not exist here; served: " + endpoints.keySet());
    }
    return e;
  }

  // ---------------------------------------------------------------- bodies

  private String mediaType(ServingRequest req, boolean optional) {
    String ct = header(req, "Content-type", "Content-Type").orElse("").trim();
    if (ct.isEmpty()) {
      if (optional) {
        return JSON;
      }
      throw new HttpError(
          415, "missing Content-Type; use application/json or text/csv (charset utf-8)");
    }
    String[] parts = ct.split(";");
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      String key = kv[0].trim().toLowerCase(Locale.ROOT);
      String value = kv.length < 2 ? "" : kv[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
      if (!key.equals("charset") || !(value.equals("utf-8") || value.equals("utf8"))) {
        throw new HttpError(
            415,
            "unsupported Content-Type parameter '" + parts[i].trim() + "'; only charset=utf-8");
      }
    }
    return media;
  }

  private byte[] body(ServingRequest req) {
    Optional<String> cl = header(req, "Content-length", "Content-Length");
    long declared = -1;
    if (cl.isPresent()) {
      try {
        declared = Long.parseLong(cl.get().trim());
      } catch (NumberFormatException e) {
        throw new HttpError(400, "invalid Content-Length '" + cl.get() + "'");
      }
      if (declared > maxBody) {
        throw tooLarge();
      }
    }
    try {
      InputStream in = req.body();
      if (declared >= 0) {
        byte[] b = new byte[(int) declared];
        int n = in.readNBytes(b, 0, b.length);
        return n == b.length ? b : java.util.Arrays.copyOf(b, n);
      }
      // chunked or unknown length: read up to the limit
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > maxBody) {
          throw tooLarge();
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new HttpError(400, "cannot read the request body: " + e.getMessage());
    }
  }

  private HttpError tooLarge() {
    return new HttpError(
        413, "request body larger than the limit of " + maxBody + " bytes; send smaller batches");
  }

  private JsonNode parseJson(byte[] body) {
    if (body.length == 0) {
      throw new HttpError(400, "empty request body; expected a JSON object");
    }
    try {
      // a second document or stray text after the object is malformed, as Python's json.loads says
      JsonNode n =
          mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new HttpError(400, "empty request body; expected a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new HttpError(400, "cannot read the JSON body: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- MLflow scoring

  private ServingResponse invocations(ServingRequest req, Endpoint<?, ?> ep, Target target) {
    String media = mediaType(req, false);
    List<JsonNode> rows;
    String field;
    JsonNode params = null;
    if (media.equals("text/csv")) {
      rows = csvRows(body(req));
      field = "csv";
    } else if (media.equals(JSON)) {
      JsonNode root = parseJson(body(req));
      if (!root.isObject()) {
        throw new HttpError(
            400,
            "the body must be a JSON object with exactly one of dataframe_split,"
                + " dataframe_records, instances or inputs (MLflow 2.0 scoring protocol)");
      }
      List<String> keys = new ArrayList<>();
      root.fieldNames()
          .forEachRemaining(
              k -> {
                if (MLFLOW_KEYS.contains(k)) {
                  keys.add(k);
                }
              });
      if (keys.size() != 1) {
        throw new HttpError(
            400,
            "the body must hold exactly one of dataframe_split, dataframe_records, instances or"
                + " inputs; found "
                + keys);
      }
      params = root.get("params");
      if (params != null && !params.isObject() && !params.isNull()) {
        throw new HttpError(400, "invalid params: expected a JSON object");
      }
      field = keys.get(0);
      rows = mlflowRows(field, root.get(field), ep.inputType());
    } else {
      throw new HttpError(
          415, "unsupported media type '" + media + "'; use application/json or text/csv");
    }
    Prediction<?> p =
        call(
            ep,
            rows,
            field,
            options(req, Optional.empty(), Optional.empty()).withParams(params(params)),
            target);
    Map<String, Object> out = Map.of("predictions", p.outputs());
    return new ServingResponse(
        200, responseHeaders(p, Map.of("X-Request-Id", p.requestId())), write(out));
  }

  private List<JsonNode> csvRows(byte[] body) {
    List<JsonNode> rows = new ArrayList<>();
    // as pandas.read_csv: blank lines are skipped and an empty cell is a missing value (null)
    try (MappingIterator<Map<String, String>> it =
        csv.readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader())
            .with(CsvParser.Feature.SKIP_EMPTY_LINES)
            .readValues(body)) {
      while (it.hasNextValue()) {
        Map<String, String> row = it.nextValue();
        ObjectNode o = mapper.createObjectNode();
        row.forEach((k, v) -> o.set(k, v == null || v.isEmpty() ? o.nullNode() : o.textNode(v)));
        rows.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new HttpError(400, "malformed CSV: " + e.getMessage());
    }
    if (rows.isEmpty()) {
      throw new HttpError(400, "the CSV body has a header but no rows");
    }
    return rows;
  }

  private List<JsonNode> mlflowRows(String key, JsonNode v, Class<?> type) {
    switch (key) {
      case "dataframe_split":
        {
          if (!v.isObject() || !v.path("data").isArray()) {
            throw new HttpError(
                400, "invalid dataframe_split: expected {\"columns\": [...], \"data\": [[...]]}");
          }
          // as MLflow's dataframe_from_parsed_json and pandas.DataFrame(index, columns, data)
          List<String> extra = new ArrayList<>();
          v.fieldNames()
              .forEachRemaining(
                  k -> {
                    if (!k.equals("columns") && !k.equals("data") && !k.equals("index")) {
                      extra.add(k);
                    }
                  });
          if (!extra.isEmpty()) {
            throw new HttpError(
                400,
                "invalid dataframe_split: unknown fields "
                    + extra
                    + "; expected 'data' and optionally 'columns' and 'index'");
          }
          JsonNode cols = v.get("columns");
          if (cols != null && !cols.isNull()) {
            if (!cols.isArray()) {
              throw new HttpError(400, "invalid dataframe_split.columns: expected a list of names");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode c : cols) {
              if (!seen.add(c.asText())) {
                throw new HttpError(
                    400, "invalid dataframe_split.columns: column '" + c.asText() + "' twice");
              }
            }
          }
          JsonNode index = v.get("index");
          if (index != null
              && !index.isNull()
              && (!index.isArray() || index.size() != v.get("data").size())) {
            throw new HttpError(
                400,
                "invalid dataframe_split.index: expected a list of "
                    + v.get("data").size()
                    + " labels, one per row of data");
          }
          List<JsonNode> rows = new ArrayList<>();
          int i = 0;
          boolean oneColumn = cols == null || cols.isNull() || cols.size() == 1;
          for (JsonNode d : v.get("data")) {
            // pandas reads data=[1, 2] as one column: a bare value is a one-value row
            JsonNode r = oneColumn && d.isValueNode() ? mapper.createArrayNode().add(d) : d;
            if (!r.isArray()) {
              throw new HttpError(
                  400, "invalid dataframe_split.data[" + i + "]: expected a row array");
            }
            if (cols == null || cols.isNull()) {
              rows.add(r);
            } else {
              if (!cols.isArray() || cols.size() != r.size()) {
                throw new HttpError(
                    400,
                    "invalid dataframe_split.data["
                        + i
                        + "]: "
                        + r.size()
                        + " values for "
                        + cols.size()
                        + " columns");
              }
              ObjectNode o = mapper.createObjectNode();
              for (int c = 0; c < cols.size(); c++) {
                o.set(cols.get(c).asText(), r.get(c));
              }
              rows.add(o);
            }
            i++;
          }
          return nonEmpty(rows, key);
        }
      case "dataframe_records":
        {
          if (!v.isArray()) {
            throw new HttpError(400, "invalid dataframe_records: expected a list of row objects");
          }
          List<JsonNode> rows = new ArrayList<>();
          int i = 0;
          for (JsonNode r : v) {
            if (!r.isObject()) {
              throw new HttpError(
                  400, "invalid dataframe_records[" + i + "]: expected a row object");
            }
            rows.add(r);
            i++;
          }
          return nonEmpty(rows, key);
        }
      case "instances":
        if (!v.isArray()) {
          throw new HttpError(400, "invalid instances: expected a list of rows");
        }
        return nonEmpty(list(v), key);
      default: // inputs
        if (v.isArray()) {
          return nonEmpty(list(v), key);
        }
        if (v.isObject()) {
          return columnar(v, key);
        }
        throw new HttpError(400, "invalid inputs: expected a list of rows or an object of columns");
    }
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>(array.size());
    array.forEach(out::add);
    return out;
  }

  private static List<JsonNode> nonEmpty(List<JsonNode> rows, String field) {
    if (rows.isEmpty()) {
      throw new HttpError(400, "invalid " + field + ": no rows");
    }
    return rows;
  }

  private List<JsonNode> columnar(JsonNode obj, String field) {
    int n = -1;
    Map<String, JsonNode> cols = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      int len = e.getValue().isArray() ? e.getValue().size() : -2;
      if (n == -1) {
        n = len;
      } else if (n != len) {
        throw new HttpError(
            400,
            "invalid "
                + field
                + "."
                + e.getKey()
                + ": every column must be a list of the same length");
      }
      cols.put(e.getKey(), e.getValue());
    }
    List<JsonNode> rows = new ArrayList<>();
    if (n == -2) { // all scalars: one row
      rows.add(obj);
      return rows;
    }
    for (int i = 0; i < n; i++) {
      ObjectNode o = mapper.createObjectNode();
      for (Map.Entry<String, JsonNode> c : cols.entrySet()) {
        o.set(c.getKey(), c.getValue().get(i));
      }
      rows.add(o);
    }
    return nonEmpty(rows, field);
  }

  /** A JSON object of parameters as plain Java values (null or absent: none). */
  private Map<String, Object> params(JsonNode node) {
    if (node == null || node.isNull() || node.isEmpty()) {
      return Map.of();
    }
    return mapper.convertValue(node, new TypeReference<Map<String, Object>>() {});
  }

  private PredictOptions options(
      ServingRequest req, Optional<String> id, Optional<String> version) {
    PredictOptions o = PredictOptions.defaults();
    Optional<String> rid = id.isPresent() ? id : header(req, "X-request-id", "X-Request-Id");
    if (rid.isPresent() && !rid.get().isBlank()) {
      o = o.withRequestId(rid.get());
    }
    Optional<String> key = header(req, "X-routing-key", "X-Routing-Key");
    if (key.isPresent()) {
      o = o.withRoutingKey(key.get());
    }
    if (version.isPresent()) {
      o = o.withVersion(version.get());
    }
    if (header(req, "X-mlops-log", "X-Mlops-Log")
        .map(v -> v.equalsIgnoreCase("off"))
        .orElse(false)) {
      o = o.withLog(false);
    }
    return o;
  }

  private <I> Prediction<?> call(
      Endpoint<I, ?> ep, List<JsonNode> rows, String field, PredictOptions options, Target target) {
    Class<I> type = ep.inputType();
    List<I> inputs = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      inputs.add(convert(rows.get(i), type, field + "[" + i + "]"));
    }
    // from here on the endpoint counts the request itself
    target.reached = true;
    return ep.predictAll(inputs, options);
  }

  private <I> I convert(JsonNode row, Class<I> type, String field) {
    JsonNode node = adapt(row, type);
    if (node.isArray() && type.isRecord()) {
      // a positional row for a record: map values onto the components in order
      var comps = type.getRecordComponents();
      if (comps.length != node.size()) {
        throw new HttpError(
            400,
            "invalid "
                + field
                + ": "
                + node.size()
                + " values for the "
                + comps.length
                + " fields of "
                + type.getSimpleName());
      }
      ObjectNode o = mapper.createObjectNode();
      for (int c = 0; c < comps.length; c++) {
        // the JSON name Jackson binds the component by: @JsonProperty's when it renames it
        // (@JsonProperty does not target record components: javac puts it on the accessor)
        JsonProperty renamed = comps[c].getAccessor().getAnnotation(JsonProperty.class);
        String name =
            renamed != null && !renamed.value().isEmpty() ? renamed.value() : comps[c].getName();
        o.set(name, node.get(c));
      }
      node = o;
    }
    try {
      I value = mapper.treeToValue(node, type);
      if (value == null) {
        throw new HttpError(400, "invalid " + field + ": null");
      }
      return value;
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder(field);
      for (JsonMappingException.Reference r : e.getPath()) {
        if (r.getFieldName() != null) {
          path.append('.').append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      String msg = e.getOriginalMessage().replaceAll(" \\(set DeserializationConfig[^)]*\\)", "");
      int nl = msg.indexOf('\n');
      throw new HttpError(
          400,
          "invalid "
              + path
              + ": "
              + (nl > 0 ? msg.substring(0, nl) : msg)
              + " (input type "
              + type.getSimpleName()
              + ")");
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new HttpError(400, "invalid " + field + ": " + e.getMessage());
    }
  }

  /**
   * Fits a row to the input type where the shape differs but the meaning is plain, as MLflow does
   * for a one-column model: a bare value for a type with one field becomes that field, a one-column
   * row (CSV, dataframe_split, dataframe_records) for a scalar type becomes its value, and a row
   * object for an array type becomes its values in column order.
   */
  private JsonNode adapt(JsonNode row, Class<?> type) {
    if (isDirect(type)) {
      JavaType t = mapper.constructType(type);
      boolean tensor = t.isArrayType() || t.isCollectionLikeType();
      if (!tensor && row.isContainerNode() && row.size() == 1) {
        return row.isObject() ? row.elements().next() : row.get(0);
      }
      if (tensor && row.isObject()) {
        ArrayNode a = mapper.createArrayNode();
        row.elements().forEachRemaining(a::add);
        return a;
      }
      return row;
    }
    if (row.isValueNode() && !row.isNull()) {
      List<String> props = properties(type);
      if (props.size() == 1) {
        ObjectNode o = mapper.createObjectNode();
        o.set(props.get(0), row);
        return o;
      }
    }
    return row;
  }

  /** The JSON property names of a bean or record input type (empty for maps and Object). */
  private List<String> properties(Class<?> type) {
    return propertyCache.computeIfAbsent(
        type,
        t -> {
          if (t == Object.class || Map.class.isAssignableFrom(t) || isDirect(t)) {
            return List.of();
          }
          List<String> out = new ArrayList<>();
          for (BeanPropertyDefinition p :
              mapper
                  .getDeserializationConfig()
                  .introspect(mapper.constructType(t))
                  .findProperties()) {
            out.add(p.getName());
          }
          return List.copyOf(out);
        });
  }

  /**
   * The property names when the type refuses unknown ones (Jackson's default), so that an input
   * tensor naming no field can be refused by name; empty when any name is accepted.
   */
  private Optional<List<String>> strictProperties(Class<?> type) {
    List<String> props = properties(type);
    if (props.isEmpty()
        || !mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        || mapper
            .getDeserializationConfig()
            .getDefaultPropertyIgnorals(
                type,
                mapper.getDeserializationConfig().introspectClassAnnotations(type).getClassInfo())
            .getIgnoreUnknown()) {
      return Optional.empty();
    }
    return Optional.of(props);
  }

  // ---------------------------------------------------------------- Open Inference Protocol

  private ServingResponse v2(ServingRequest req, String method, String[] s, Target target) {
    if (s.length == 1) {
      requireMethod(method, "GET");
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("name", "mlops-java");
      meta.put("version", VERSION);
      meta.put("extensions", List.of());
      return json(200, meta);
    }
    if (s.length < 3 || !s[1].equals("models")) {
      throw notFound(req);
    }
    Endpoint<?, ?> ep = endpoint(s[2]);
    boolean inference = s[s.length - 1].equals("infer");
    if (inference) {
      target.endpoint = ep;
    }
    int i = 3;
    Optional<String> version = Optional.empty();
    if (s.length > i + 1 && s[i].equals("versions")) {
      version = Optional.of(s[i + 1]);
      i += 2;
      String v = version.get();
      if (ep.versions().stream().noneMatch(x -> x.version().equals(v))) {
        throw new HttpError(
            404,
            "model '"
                + ep.name()
                + "' has no loaded version '"
                + v
                + "'; loaded: "
                + ep.versions().stream().map(VersionInfo::version).toList());
      }
    }
    String action = s.length > i ? s[i] : "";
    if (s.length > i + 1) {
      throw notFound(req);
    }
    switch (action) {
      case "":
        requireMethod(method, "GET");
        return json(200, metadata(ep));
      case "ready":
        {
          requireMethod(method, "GET");
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("name", ep.name());
          body.put("ready", ep.ready());
          if (!ep.ready()) {
            body.put("message", "model '" + ep.name() + "' is not loaded");
            body.put("error", body.get("message"));
          }
          return json(ep.ready() ? 200 : 503, body);
        }
      case "infer":
        requireMethod(method, "POST");
        return infer(req, ep, version, target);
      default:
        throw notFound(req);
    }
  }

  private Map<String, Object> metadata(Endpoint<?, ?> ep) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", ep.name());
    // an endpoint without a version lists none (the spec makes "versions" optional)
    m.put(
        "versions",
        ep.versions().stream().map(VersionInfo::version).filter(v -> !v.isEmpty()).toList());
    m.put("platform", "mlops-java_jvm");
    m.put("inputs", inputMeta(ep.inputType()));
    m.put("outputs", List.of());
    return m;
  }

  private boolean isDirect(Class<?> type) {
    if (type == Object.class || Map.class.isAssignableFrom(type)) {
      return false;
    }
    JavaType t = mapper.constructType(type);
    return t.isArrayType()
        || t.isCollectionLikeType()
        || t.isPrimitive()
        || Number.class.isAssignableFrom(type)
        || type == String.class
        || type == Boolean.class
        || type == Character.class;
  }

  private List<Map<String, Object>> inputMeta(Class<?> type) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (type == Object.class || Map.class.isAssignableFrom(type)) {
      return out;
    }
    if (isDirect(type)) {
      out.add(tensorMeta("input0", mapper.constructType(type)));
      return out;
    }
    List<BeanPropertyDefinition> props =
        mapper.getDeserializationConfig().introspect(mapper.constructType(type)).findProperties();
    for (BeanPropertyDefinition p : props) {
      out.add(tensorMeta(p.getName(), p.getPrimaryType()));
    }
    return out;
  }

  private static Map<String, Object> tensorMeta(String name, JavaType t) {
    List<Integer> shape = new ArrayList<>();
    shape.add(-1);
    JavaType leaf = t;
    while (leaf.isArrayType() || leaf.isCollectionLikeType()) {
      shape.add(-1);
      leaf = leaf.getContentType();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("datatype", datatype(leaf.getRawClass()));
    m.put("shape", shape);
    return m;
  }

  private static String datatype(Class<?> c) {
    if (c == boolean.class || c == Boolean.class) {
      return "BOOL";
    }
    if (c == byte.class || c == Byte.class) {
      return "INT8";
    }
    if (c == short.class || c == Short.class) {
      return "INT16";
    }
    if (c == int.class || c == Integer.class) {
      return "INT32";
    }
    if (c == long.class || c == Long.class || c == BigInteger.class) {
      return "INT64";
    }
    if (c == float.class || c == Float.class) {
      return "FP32";
    }
    if (c == double.class || c == Double.class || Number.class.isAssignableFrom(c)) {
      return "FP64";
    }
    return "BYTES";
  }

  private ServingResponse infer(
      ServingRequest req, Endpoint<?, ?> ep, Optional<String> version, Target target) {
    String media = mediaType(req, true);
    if (!media.equals(JSON)) {
      throw new HttpError(
          415,
          "unsupported media type '" + media + "'; the inference protocol takes application/json");
    }
    if (!ep.ready()) {
      throw new NotReadyException("model '" + ep.name() + "' is not loaded");
    }
    JsonNode root = parseJson(body(req));
    if (!root.isObject()) {
      throw new HttpError(400, "the inference request must be a JSON object");
    }
    JsonNode idNode = root.get("id");
    if (idNode != null && !idNode.isTextual()) {
      throw new HttpError(400, "invalid id: expected a string");
    }
    Optional<String> id = idNode == null ? Optional.empty() : Optional.of(idNode.asText());
    JsonNode params = root.get("parameters");
    if (params != null && !params.isObject()) {
      throw new HttpError(400, "invalid parameters: expected a JSON object");
    }
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new HttpError(400, "invalid inputs: expected a non-empty list of tensors");
    }
    List<JsonNode> rows = tensorRows((ArrayNode) inputs, ep.inputType());
    Set<String> wanted = requestedOutputs(root.get("outputs"));
    Prediction<?> p =
        call(ep, rows, "row", options(req, id, version).withParams(params(params)), target);
    ObjectNode out = mapper.createObjectNode();
    out.put("model_name", ep.name());
    if (!p.modelVersion().isEmpty()) {
      out.put("model_version", p.modelVersion());
    }
    out.put("id", id.orElse(p.requestId()));
    out.set("outputs", outputTensors(p.outputs(), wanted));
    return new ServingResponse(200, responseHeaders(p, Map.of()), write(out));
  }

  /** JSON content type, the model version when the endpoint has one, and the extra headers. */
  private static Map<String, String> responseHeaders(Prediction<?> p, Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>(extra);
    h.put("Content-Type", JSON);
    if (!p.modelVersion().isEmpty()) {
      h.put("X-Model-Version", p.modelVersion());
    }
    return h;
  }

  private static Set<String> requestedOutputs(JsonNode outputs) {
    if (outputs == null || outputs.isNull()) {
      return Set.of();
    }
    if (!outputs.isArray()) {
      throw new HttpError(400, "invalid outputs: expected a list of {\"name\": ...}");
    }
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    for (JsonNode o : outputs) {
      if (!o.path("name").isTextual()) {
        throw new HttpError(400, "invalid outputs[" + i + "].name: expected a string");
      }
      names.add(o.get("name").asText());
      i++;
    }
    return names;
  }

  private List<JsonNode> tensorRows(ArrayNode inputs, Class<?> type) {
    boolean direct = isDirect(type);
    if (direct && inputs.size() != 1) {
      throw new HttpError(
          400,
          "invalid inputs: input type "
              + type.getSimpleName()
              + " takes exactly one tensor, got "
              + inputs.size());
    }
    int batch = -1;
    List<String> names = new ArrayList<>();
    List<List<JsonNode>> columns = new ArrayList<>();
    for (int k = 0; k < inputs.size(); k++) {
      JsonNode t = inputs.get(k);
      String f = "inputs[" + k + "]";
      if (!t.isObject()) {
        throw new HttpError(400, "invalid " + f + ": expected a tensor object");
      }
      if (!t.path("name").isTextual()) {
        throw new HttpError(400, "invalid " + f + ".name: expected a string");
      }
      String dt = t.path("datatype").asText("");
      if (!DATATYPES.contains(dt)) {
        throw new HttpError(
            400, "invalid " + f + ".datatype: '" + dt + "'; expected one of " + DATATYPES);
      }
      JsonNode shapeNode = t.get("shape");
      if (shapeNode == null || !shapeNode.isArray()) {
        throw new HttpError(400, "invalid " + f + ".shape: expected a list of dimensions");
      }
      int[] shape = new int[shapeNode.size()];
      long count = 1;
      for (int d = 0; d < shape.length; d++) {
        JsonNode dim = shapeNode.get(d);
        if (!dim.isIntegralNumber() || dim.asLong() < 0 || dim.asLong() > Integer.MAX_VALUE) {
          throw new HttpError(
              400, "invalid " + f + ".shape[" + d + "]: expected a non-negative integer");
        }
        shape[d] = dim.asInt();
        // a product past the body size cannot match the data; checked so it never wraps around
        count = count > maxBody ? count : count * shape[d];
      }
      if (count > maxBody) {
        throw new HttpError(
            400,
            "invalid " + f + ".shape: " + shapeNode + " holds more elements than the body can");
      }
      JsonNode data = t.get("data");
      if (data == null || !data.isArray()) {
        throw new HttpError(400, "invalid " + f + ".data: expected a list (nested or flat)");
      }
      List<JsonNode> flat = new ArrayList<>();
      flatten(data, flat);
      if (flat.size() != count) {
        throw new HttpError(
            400,
            "invalid "
                + f
                + ".data: "
                + flat.size()
                + " elements but shape "
                + shapeNode
                + " needs "
                + count);
      }
      for (int e = 0; e < flat.size(); e++) {
        checkElement(flat.get(e), dt, f + ".data[" + e + "]");
      }
      int n = shape.length == 0 ? 1 : shape[0];
      if (batch == -1) {
        batch = n;
      } else if (batch != n) {
        throw new HttpError(
            400,
            "invalid "
                + f
                + ".shape: batch size "
                + n
                + " differs from the first input's "
                + batch);
      }
      int per = n == 0 ? 0 : (int) (count / n);
      List<JsonNode> rowValues = new ArrayList<>(n);
      for (int r = 0; r < n; r++) {
        if (shape.length <= 1) {
          rowValues.add(flat.get(r));
        } else {
          int[] inner = java.util.Arrays.copyOfRange(shape, 1, shape.length);
          rowValues.add(reshape(flat, r * per, inner, 0));
        }
      }
      String name = t.get("name").asText();
      if (names.contains(name)) {
        throw new HttpError(400, "invalid " + f + ".name: input '" + name + "' given twice");
      }
      if (!direct) {
        Optional<List<String>> known = strictProperties(type);
        if (known.isPresent() && !known.get().contains(name)) {
          throw new HttpError(
              400,
              "invalid "
                  + f
                  + ".name: '"
                  + name
                  + "' is not an input of "
                  + type.getSimpleName()
                  + "; inputs are "
                  + known.get());
        }
      }
      names.add(name);
      columns.add(rowValues);
    }
    if (batch <= 0) {
      throw new HttpError(400, "invalid inputs: the batch is empty");
    }
    List<JsonNode> rows = new ArrayList<>(batch);
    for (int r = 0; r < batch; r++) {
      if (direct) {
        rows.add(columns.get(0).get(r));
      } else {
        ObjectNode o = mapper.createObjectNode();
        for (int k = 0; k < names.size(); k++) {
          o.set(names.get(k), columns.get(k).get(r));
        }
        rows.add(o);
      }
    }
    return rows;
  }

  private static void flatten(JsonNode n, List<JsonNode> out) {
    if (n.isArray()) {
      for (JsonNode c : n) {
        flatten(c, out);
      }
    } else {
      out.add(n);
    }
  }

  /** Rebuilds nested arrays of the given shape from flat[offset...]. */
  private static JsonNode reshape(List<JsonNode> flat, int offset, int[] shape, int dim) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    int stride = 1;
    for (int d = dim + 1; d < shape.length; d++) {
      stride *= shape[d];
    }
    for (int i = 0; i < shape[dim]; i++) {
      if (dim == shape.length - 1) {
        a.add(flat.get(offset + i));
      } else {
        a.add(reshape(flat, offset + i * stride, shape, dim + 1));
      }
    }
    return a;
  }

  private static void checkElement(JsonNode v, String dt, String field) {
    boolean ok;
    switch (dt) {
      case "BOOL":
        ok = v.isBoolean();
        break;
      case "BYTES":
        ok = v.isTextual();
        break;
      case "FP16":
      case "FP32":
      case "FP64":
      case "BF16":
        ok = v.isNumber();
        break;
      default:
        ok = v.isIntegralNumber() && inRange(v.bigIntegerValue(), dt);
    }
    if (!ok) {
      throw new HttpError(
          400, "invalid " + field + ": " + abbreviate(v.toString()) + " is not a valid " + dt);
    }
  }

  private static boolean inRange(BigInteger v, String dt) {
    boolean unsigned = dt.startsWith("U");
    int bits = Integer.parseInt(dt.substring(unsigned ? 4 : 3));
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max =
        unsigned
            ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
            : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    return v.compareTo(min) >= 0 && v.compareTo(max) <= 0;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  private ArrayNode outputTensors(List<?> outputs, Set<String> wanted) {
    List<JsonNode> nodes = new ArrayList<>(outputs.size());
    boolean allObjects = true;
    for (Object o : outputs) {
      JsonNode n = mapper.valueToTree(o);
      nodes.add(n);
      allObjects &= n != null && n.isObject();
    }
    Map<String, List<JsonNode>> tensors = new LinkedHashMap<>();
    if (allObjects) {
      for (JsonNode n : nodes) {
        n.fieldNames().forEachRemaining(k -> tensors.putIfAbsent(k, new ArrayList<>()));
      }
      for (Map.Entry<String, List<JsonNode>> t : tensors.entrySet()) {
        for (JsonNode n : nodes) {
          t.getValue().add(n.has(t.getKey()) ? n.get(t.getKey()) : mapper.nullNode());
        }
      }
    } else {
      tensors.put("output0", nodes);
    }
    for (String w : wanted) {
      if (!tensors.containsKey(w)) {
        throw new HttpError(
            400, "invalid outputs: no output named '" + w + "'; outputs are " + tensors.keySet());
      }
    }
    ArrayNode out = mapper.createArrayNode();
    for (Map.Entry<String, List<JsonNode>> t : tensors.entrySet()) {
      if (!wanted.isEmpty() && !wanted.contains(t.getKey())) {
        continue;
      }
      out.add(tensor(t.getKey(), t.getValue()));
    }
    return out;
  }

  private ObjectNode tensor(String name, List<JsonNode> values) {
    List<Integer> shape = new ArrayList<>();
    shape.add(values.size());
    JsonNode probe = values.isEmpty() ? null : values.get(0);
    while (probe != null && probe.isArray()) {
      shape.add(probe.size());
      probe = probe.size() > 0 ? probe.get(0) : null;
    }
    List<JsonNode> flat = new ArrayList<>();
    for (JsonNode v : values) {
      flatten(v, flat);
    }
    long expected = 1;
    for (int d : shape) {
      expected *= d;
    }
    if (expected != flat.size()) {
      // ragged: send one element per row, flattened per row is not a tensor
      shape = List.of(values.size());
      flat = values;
    }
    // a missing value (null) stays null and does not decide the datatype: [1.5, null] is FP64
    String dt = "BYTES";
    boolean bools = true;
    boolean ints = true;
    boolean nums = true;
    boolean any = false;
    for (JsonNode v : flat) {
      if (v.isNull()) {
        continue;
      }
      any = true;
      bools &= v.isBoolean();
      ints &= v.isIntegralNumber();
      nums &= v.isNumber();
    }
    if (any) {
      dt = bools ? "BOOL" : ints ? "INT64" : nums ? "FP64" : "BYTES";
    }
    ObjectNode t = mapper.createObjectNode();
    t.put("name", name);
    t.put("datatype", dt);
    ArrayNode s = t.putArray("shape");
    shape.forEach(s::add);
    ArrayNode data = t.putArray("data");
    for (JsonNode v : flat) {
      data.add(
          dt.equals("BYTES") && !v.isTextual() && !v.isNull()
              ? mapper.getNodeFactory().textNode(v.toString())
              : v);
    }
    return t;
  }

  // ---------------------------------------------------------------- responses

  private byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new PredictionException(
          "cannot write the model's output as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private ServingResponse json(int status, Map<String, Object> body) {
    return new ServingResponse(status, Map.of("Content-Type", JSON), write(body));
  }

  private ServingResponse error(int status, String message, Map<String, String> headers) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_code", errorCode(status));
    body.put("message", message);
    body.put("error", message);
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Content-Type", JSON);
    byte[] bytes;
    try {
      bytes = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      bytes = "{\"message\":\"internal error\"}".getBytes(StandardCharsets.UTF_8);
    }
    return new ServingResponse(status, h, bytes);
  }

  private static String errorCode(int status) {
    switch (status) {
      case 400:
        return "BAD_REQUEST";
      case 401:
        return "UNAUTHENTICATED";
      case 404:
        return "RESOURCE_DOES_NOT_EXIST";
      case 405:
        return "METHOD_NOT_ALLOWED";
      case 413:
        return "REQUEST_LIMIT_EXCEEDED";
      case 415:
        return "UNSUPPORTED_MEDIA_TYPE";
      case 503:
        return "TEMPORARILY_UNAVAILABLE";
      default:
        return "INTERNAL_ERROR";
    }
  }

  /** Builds a {@link Router}. */
  static final class BuilderImpl implements RequestHandler.Builder {
    private final ServingModule module;
    private final Map<String, Endpoint<?, ?>> endpoints = new LinkedHashMap<>();
    private String token;
    private long maxBody = DEFAULT_MAX_BODY;

    BuilderImpl(ServingModule module) {
      this.module = module;
    }

    @Override
    public RequestHandler.Builder bearerToken(String token) {
      this.token = token;
      return this;
    }

    @Override
    public RequestHandler.Builder add(Endpoint<?, ?> endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (endpoints.putIfAbsent(endpoint.name(), endpoint) != null) {
        throw new InvalidInputException(
            "endpoint", endpoint.name(), "endpoints with distinct names on one handler");
      }
      return this;
    }

    @Override
    public RequestHandler.Builder maxBodyBytes(long bytes) {
      this.maxBody = bytes;
      return this;
    }

    Router buildRouter() {
      if (token != null && token.isBlank()) {
        throw new InvalidInputException("bearerToken", "(blank)", "a non-blank token, or none");
      }
      if (maxBody < 1 || maxBody > Integer.MAX_VALUE - 16) {
        throw new InvalidInputException("maxBodyBytes", maxBody, "between 1 byte and 2 GiB");
      }
      if (endpoints.isEmpty()) {
        throw new InvalidInputException("endpoints", "none", "at least one add(endpoint)");
      }
      return new Router(module, endpoints, token, maxBody);
    }

    @Override
    public RequestHandler build() {
      return buildRouter();
    }
  }
}
