package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.StageOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change detection and dvc.lock details checked against DVC 3's source (dvc/stage/__init__.py,
 * dvc/dependency/param.py, dvc/stage/serialize.py, dvc/stage/cache.py, ruamel.yaml's float
 * representer). Expected texts were produced with CPython 3 as noted.
 */
class DvcSemanticsTest {
  @TempDir Path ws;
  PipelinesImpl pipelines;

  @BeforeEach
  void setUp() throws IOException {
    pipelines = new PipelinesImpl(ws, ws.resolve(".mlops"), Optional.empty(), Optional::empty);
    Files.writeString(ws.resolve("in.txt"), "hello\n");
  }

  @AfterEach
  void tearDown() {
    pipelines.close();
  }

  /** Stage.is_callback: a cmd with no deps (params count as deps) and no outs is always changed. */
  @Test
  void aStageWithNoDepsParamsOrOutsRunsOnEveryRepro() throws IOException {
    Files.writeString(ws.resolve("params.yaml"), "lr: 1\n");
    Pipeline p =
        Pipeline.builder("cb")
            .stage("callback", s -> s.cmd("echo run >> runs.log"))
            .stage("paramsOnly", s -> s.cmd("echo p >> p.log").params("lr"))
            .stage("outOnly", s -> s.cmd("echo o > o.txt").outs("o.txt"))
            .build();
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    PipelineRun second = pipelines.repro(p);
    assertThat(second.stage("callback").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(second.stage("paramsOnly").outcome()).isEqualTo(StageOutcome.SKIPPED);
    assertThat(second.stage("outOnly").outcome()).isEqualTo(StageOutcome.SKIPPED);
    assertThat(Files.readAllLines(ws.resolve("runs.log"))).hasSize(2);
    assertThat(pipelines.status(p).stale())
        .containsOnlyKeys("callback")
        .containsEntry("callback", List.of("always changed"));
  }

  /** DVC checks only the deps a stage declares now: a dep dropped from dvc.yaml is not a change. */
  @Test
  void aDepRemovedFromTheStageIsNotAChange() throws IOException {
    Files.writeString(ws.resolve("extra.txt"), "x\n");
    Pipeline two =
        Pipeline.builder("rm")
            .stage("s", s -> s.cmd("cp in.txt o.txt").deps("in.txt", "extra.txt").outs("o.txt"))
            .build();
    assertThat(pipelines.repro(two).succeeded()).isTrue();
    Pipeline one =
        Pipeline.builder("rm")
            .stage("s", s -> s.cmd("cp in.txt o.txt").deps("in.txt").outs("o.txt"))
            .build();
    assertThat(pipelines.status(one).stale()).isEmpty();
    assertThat(pipelines.repro(one).stage("s").outcome()).isEqualTo(StageOutcome.SKIPPED);
  }

  /**
   * ruamel.yaml writes a float as repr(value).lower(): python3 -c 'print(repr(1e-5), repr(1e10),
   * repr(1e16), repr(1e-4), repr(1.5e3), repr(0.1+0.2))' gives 1e-05 10000000000.0 1e+16 0.0001
   * 1500.0 0.30000000000000004; infinity is .inf.
   */
  @Test
  void floatParamsAreWrittenAsDvcWritesThem() throws IOException {
    Files.writeString(
        ws.resolve("params.yaml"),
        "a: 1e-5\nb: 1e10\nc: 1e16\nd: 0.0001\ne: 1.5e+3\nf: 0.30000000000000004\ng: .inf\n"
            + "h: -.inf\ni: 3\n");
    Pipeline p =
        Pipeline.builder("fl")
            .stage(
                "s",
                s ->
                    s.cmd("cp in.txt o.txt")
                        .deps("in.txt")
                        .params("a", "b", "c", "d", "e", "f", "g", "h", "i")
                        .outs("o.txt"))
            .build();
    assertThat(pipelines.repro(p).succeeded()).isTrue();
    String lock = Files.readString(ws.resolve("dvc.lock"));
    assertThat(lock)
        .contains(
            "      params.yaml:\n"
                + "        a: 1e-05\n"
                + "        b: 10000000000.0\n"
                + "        c: 1e+16\n"
                + "        d: 0.0001\n"
                + "        e: 1500.0\n"
                + "        f: 0.30000000000000004\n"
                + "        g: .inf\n"
                + "        h: -.inf\n"
                + "        i: 3\n");
    assertThat(pipelines.status(p).stale()).isEmpty();
    Files.writeString(
        ws.resolve("params.yaml"),
        "a: 0.00001\nb: 10000000000\nc: 1.0e+16\nd: 1e-4\ne: 1500\nf: 0.30000000000000004\n"
            + "g: .Inf\nh: -.INF\ni: 3.0\n");
    assertThat(pipelines.status(p).stale()).as("same values, other spellings").isEmpty();
  }

  /**
   * A params file tracked whole is recorded even when empty ({@code p2.yaml: {}}, as
   * _serialize_params_values writes any dict), and a params dep with no values in dvc.lock is "new"
   * (ParamsDependency.workspace_status).
   */
  @Test
  void anEmptyWholeParamsFileIsRecordedAndNewUntilThen() throws IOException {
    Files.writeString(ws.resolve("p2.yaml"), "");
    Pipeline without =
        Pipeline.builder("w")
            .stage("s", s -> s.cmd("cp in.txt o.txt").deps("in.txt").outs("o.txt"))
            .build();
    assertThat(pipelines.repro(without).succeeded()).isTrue();
    Pipeline with =
        Pipeline.builder("w")
            .stage(
                "s",
                s -> s.cmd("cp in.txt o.txt").deps("in.txt").paramsFrom("p2.yaml").outs("o.txt"))
            .build();
    assertThat(pipelines.status(with).stale())
        .containsEntry("s", List.of("params file p2.yaml new"));
    assertThat(pipelines.repro(with).stage("s").outcome()).isEqualTo(StageOutcome.RAN);
    assertThat(Files.readString(ws.resolve("dvc.lock")))
        .contains("    params:\n      p2.yaml: {}\n    outs:\n");
    assertThat(pipelines.status(with).stale()).isEmpty();
    Files.writeString(ws.resolve("p2.yaml"), "k: 1\n");
    assertThat(pipelines.status(with).stale())
        .containsEntry("s", List.of("param p2.yaml:k changed"));
  }

  /**
   * The run-cache key hashes Python's json.dumps(sort_keys=True), which escapes non-ASCII. Oracle:
   * python3 -c 'import json,hashlib; e={"cmd":"echo \u00fcn\u00ef \U0001F600","deps":[{"path":
   * "in.txt","hash":"md5","md5":"b1946ac92492d2347c6235b4d2611184"}],"params":{"params.yaml":
   * {"lr":1e-05,"big":1e+16,"name":"caf\u00e9"}},"outs":["out.txt"]};
   * print(hashlib.sha256(json.dumps(e,sort_keys=True).encode()).hexdigest())'.
   */
  @Test
  void runCacheKeysEscapeNonAsciiAsPythonJsonDoes() {
    StringBuilder sb = new StringBuilder();
    dev.mlops.spi.PythonText.appendJsonString(sb, "café\n\u0001😀\u007f/\"\\\\ end");
    // python3 -c 'import json; print(json.dumps("caf\u00e9\n\x01\U0001F600\x7f/\"\\\\ end"))'
    assertThat(sb.toString())
        .isEqualTo("\"caf\\u00e9\\n\\u0001\\ud83d\\ude00\\u007f/\\\"\\\\\\\\ end\"");

    Map<String, Object> dep = new LinkedHashMap<>();
    dep.put("path", "in.txt");
    dep.put("hash", "md5");
    dep.put("md5", "b1946ac92492d2347c6235b4d2611184");
    dep.put("size", 6L);
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("big", 1e16);
    values.put("lr", 1e-5);
    values.put("name", "café");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", "out.txt");
    out.put("hash", "md5");
    out.put("md5", "0f343b0931126a20f133d67c2b018a3b");
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("cmd", "echo ünï 😀");
    entry.put("deps", List.of(dep));
    entry.put("params", Map.of("params.yaml", values));
    entry.put("outs", List.of(out));
    assertThat(RunCache.key(entry))
        .isEqualTo("ead1dd3119150facc1e0da15a8527df376b56298a42d4c7bddb0bdc4d283acba");
  }
}
