package dev.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run twice in one folder: everything works, the re-run re-uses. */
class DemoTest {
  @TempDir Path ws;

  private String demo() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Demo.run(ws, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsEveryStepAndTheSecondRunReusesThePipelineCache() throws Exception {
    String first = demo();
    assertThat(first)
        .contains("[1/7]", "[2/7]", "[3/7]", "[4/7]", "[5/7]", "[6/7]", "[7/7]")
        .contains("3 of 3 stages ran")
        .contains("best run by search: lr-")
        .contains("churn v1: promoted to production")
        .contains("400 requests to http://127.0.0.1:")
        .contains("the 400 requests just served")
        .contains("drift verdict:         DATASET DRIFT")
        .contains("monthly_charges", "support_calls", "<- production")
        .contains("drift report:          " + ws.resolve("drift-report.html"))
        .contains("home:                  " + ws.resolve(".mlops"));
    assertThat(ws.resolve("drift-report.html")).isNotEmptyFile();
    assertThat(ws.resolve("dvc.lock")).isNotEmptyFile();
    assertThat(ws.resolve("data/churn.csv.dvc")).isNotEmptyFile();
    assertThat(Files.readString(ws.resolve("drift-report.html"))).contains("monthly_charges");

    String second = demo();
    assertThat(second)
        .contains("pipeline cache re-used: no stage ran")
        .doesNotContain("stages ran")
        .contains("churn v2: promoted to production")
        // the drift report covers this run's traffic, not the log of both runs
        .contains("the 400 requests just served")
        .contains("8 runs in all");
  }
}
