package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.RequestHandler;
import dev.mlops.serving.ServingRequest;
import dev.mlops.serving.ServingResponse;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport-neutral handler, called the way a host's own server would call it. */
class RequestHandlerTest {
  @TempDir Path home;

  static ServingRequest post(String path, String contentType, String body) {
    return new ServingRequest(
        "POST",
        path,
        "",
        Map.of("content-type", List.of(contentType)),
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aHostCanMountTheHandlerWithoutOpeningAPort() {
    try (Mlops m = Mlops.open(home)) {
      Endpoint<double[], Double> sum =
          m.serving()
              .endpoint(
                  "sum",
                  double[].class,
                  (List<double[]> b) ->
                      b.stream().map(a -> java.util.Arrays.stream(a).sum()).toList())
              .build();
      Endpoint<double[], Double> max =
          m.serving()
              .endpoint(
                  "max",
                  double[].class,
                  (List<double[]> b) ->
                      b.stream().map(a -> java.util.Arrays.stream(a).max().orElse(0)).toList())
              .build();
      RequestHandler h = m.serving().handler().add(sum).add(max).bearerToken("t").build();

      ServingRequest unauth = post("/endpoints/sum/invocations", "application/json", "{}");
      assertThat(h.handle(unauth).status()).isEqualTo(401);

      ServingRequest ok =
          new ServingRequest(
              "POST",
              "/endpoints/sum/invocations",
              null,
              Map.of(
                  "Content-Type", List.of("application/json"),
                  "authorization", List.of("Bearer t")),
              new ByteArrayInputStream(
                  "{\"instances\": [[1, 2, 3], [4, 5]]}".getBytes(StandardCharsets.UTF_8)));
      ServingResponse r = h.handle(ok);
      assertThat(r.status()).isEqualTo(200);
      assertThat(new String(r.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"predictions\":[6.0,9.0]}");

      // several endpoints: /invocations is ambiguous, the OIP route names the model
      ServingRequest ambiguous =
          new ServingRequest(
              "POST",
              "/invocations",
              "",
              Map.of(
                  "Content-Type",
                  List.of("application/json"),
                  "Authorization",
                  List.of("Bearer t")),
              new ByteArrayInputStream("{\"instances\": [[1]]}".getBytes(StandardCharsets.UTF_8)));
      assertThat(h.handle(ambiguous).status()).isEqualTo(404);
      ServingRequest infer =
          new ServingRequest(
              "POST",
              "/v2/models/max/infer",
              "",
              Map.of("Authorization", List.of("Bearer t")),
              new ByteArrayInputStream(
                  ("{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 3], \"datatype\": \"FP64\","
                          + " \"data\": [1, 7, 3, 4, 5, 6]}]}")
                      .getBytes(StandardCharsets.UTF_8)));
      ServingResponse ir = h.handle(infer);
      assertThat(ir.status()).as(new String(ir.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(new String(ir.body(), StandardCharsets.UTF_8))
          .contains(
              "\"outputs\":[{\"name\":\"output0\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[7.0,6.0]}]");
    }
  }
}
