package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.ParamsDependency;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcYamlLoaderTest {
  @TempDir Path dir;

  private Pipeline load(String yaml) throws IOException {
    Path f = dir.resolve("dvc.yaml");
    Files.writeString(f, yaml);
    return Pipeline.load(f); // through the ServiceLoader hook
  }

  @Test
  void readsTheDvcSchema() throws IOException {
    Pipeline p =
        load(
            "stages:\n"
                + "  prepare:\n"
                + "    cmd: python src/prepare.py data/data.xml\n"
                + "    deps:\n"
                + "    - data/data.xml\n"
                + "    - src/prepare.py\n"
                + "    params:\n"
                + "    - prepare.seed\n"
                + "    - prepare.split\n"
                + "    - other.json:\n"
                + "    - conf/train.yaml: [lr, epochs]\n"
                + "    outs:\n"
                + "    - data/prepared\n"
                + "    - data/cache.bin:\n"
                + "        cache: false\n"
                + "        persist: true\n"
                + "  train:\n"
                + "    cmd:\n"
                + "    - echo one\n"
                + "    - echo two\n"
                + "    wdir: sub\n"
                + "    deps: [../data/prepared]\n"
                + "    metrics:\n"
                + "    - scores.json:\n"
                + "        cache: false\n"
                + "    plots:\n"
                + "    - prc.json:\n"
                + "        x: recall\n"
                + "        y: precision\n"
                + "    frozen: true\n"
                + "    always_changed: true\n"
                + "    desc: trains\n"
                + "    meta: {owner: me}\n");
    assertThat(p.source()).contains(dir.resolve("dvc.yaml").toAbsolutePath());
    assertThat(p.dir()).contains(dir.toAbsolutePath());
    Stage prepare = p.stage("prepare");
    assertThat(prepare.cmd()).containsExactly("python src/prepare.py data/data.xml");
    assertThat(prepare.cmdIsList()).isFalse();
    assertThat(prepare.deps()).containsExactly("data/data.xml", "src/prepare.py");
    assertThat(prepare.params())
        .containsExactly(
            new ParamsDependency("params.yaml", List.of("prepare.seed", "prepare.split")),
            new ParamsDependency("other.json", List.of()),
            new ParamsDependency("conf/train.yaml", List.of("lr", "epochs")));
    assertThat(prepare.outputs())
        .containsExactly(
            Output.of("data/prepared"), new Output("data/cache.bin", Output.Kind.OUT, false, true));
    Stage train = p.stage("train");
    assertThat(train.cmd()).containsExactly("echo one", "echo two");
    assertThat(train.cmdIsList()).isTrue();
    assertThat(train.wdir()).isEqualTo("sub");
    assertThat(train.frozen()).isTrue();
    assertThat(train.alwaysChanged()).isTrue();
    assertThat(train.desc()).isEqualTo("trains");
    assertThat(train.outputs(Output.Kind.METRIC))
        .containsExactly(new Output("scores.json", Output.Kind.METRIC, false, false));
    assertThat(train.outputs(Output.Kind.PLOT))
        .extracting(Output::path)
        .containsExactly("prc.json");
    assertThat(p.upstream("train")).containsExactly("prepare");
  }

  @Test
  void unknownKeyNamesFileLineAndKey() {
    assertThatThrownBy(
            () -> load("stages:\n" + "  train:\n" + "    cmd: x\n" + "    outz:\n" + "    - a\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dvc.yaml:4")
        .hasMessageContaining("stages.train.outz")
        .hasMessageContaining("'outz'");
    assertThatThrownBy(() -> load("stagez: {}\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dvc.yaml:1")
        .hasMessageContaining("stagez");
    assertThatThrownBy(
            () -> load("stages:\n  a:\n    cmd: x\n    outs:\n    - o:\n        cachee: false\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dvc.yaml:6")
        .hasMessageContaining("cachee");
    assertThatThrownBy(() -> load("stages:\n  a:\n    deps: [x]\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cmd");
    assertThatThrownBy(() -> load("stages: [\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("valid YAML");
    assertThatThrownBy(() -> Pipeline.load(dir.resolve("missing.yaml")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void varsAndInterpolationTrackParamsFromFiles() throws IOException {
    Files.writeString(
        dir.resolve("params.yaml"),
        "train:\n  lr: 0.01\n  epochs: 10\n  layers: [8, 4]\nmodel: cnn\n");
    Files.writeString(dir.resolve("extra.yaml"), "data:\n  path: data/raw\n  unused: 1\n");
    Pipeline p =
        load(
            "vars:\n"
                + "  - extra.yaml:data\n"
                + "  - out_dir: models\n"
                + "    flags: {verbose: true, depth: 3, name: a b}\n"
                + "stages:\n"
                + "  train:\n"
                + "    vars:\n"
                + "      - suffix: v2\n"
                + "    cmd: python train.py --lr ${train.lr} ${flags} --first ${train.layers[0]} \\${literal}\n"
                + "    deps: [\"${data.path}\"]\n"
                + "    outs: [\"${out_dir}/${model}-${suffix}.bin\"]\n");
    Stage t = p.stage("train");
    assertThat(t.cmd())
        .containsExactly(
            "python train.py --lr 0.01 --verbose --depth 3 --name 'a b' --first 8 ${literal}");
    assertThat(t.deps()).containsExactly("data/raw");
    assertThat(t.outputs()).extracting(Output::path).containsExactly("models/cnn-v2.bin");
    // values read from params files through ${} become params deps; inline vars do not
    assertThat(t.params())
        .containsExactlyInAnyOrder(
            new ParamsDependency("params.yaml", List.of("train.lr", "train.layers[0]", "model")),
            new ParamsDependency("extra.yaml", List.of("data.path")));
    assertThatThrownBy(() -> load("stages:\n  a:\n    cmd: echo ${nope}\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("${nope}")
        .hasMessageContaining("dvc.yaml:3");
  }

  @Test
  void foreachOverScalarsDictsAndMaps() throws IOException {
    Files.writeString(dir.resolve("params.yaml"), "models: {us: {thresh: 10}, gb: {thresh: 15}}\n");
    Pipeline p =
        load(
            "stages:\n"
                + "  cleanups:\n"
                + "    foreach: [raw1, labels1, raw2]\n"
                + "    do:\n"
                + "      cmd: clean.py \"${item}\"\n"
                + "      outs: [\"${item}.cln\"]\n"
                + "  complex:\n"
                + "    foreach:\n"
                + "      - {os: win, py: 3.7}\n"
                + "      - {os: linux, py: 3.8}\n"
                + "    do:\n"
                + "      cmd: build ${item.os} ${item.py}\n"
                + "  train:\n"
                + "    foreach: ${models}\n"
                + "    do:\n"
                + "      cmd: python train.py ${key} ${item.thresh}\n"
                + "      outs: [\"model-${key}.pkl\"]\n");
    assertThat(p.stages().keySet())
        .containsExactly(
            "cleanups@raw1",
            "cleanups@labels1",
            "cleanups@raw2",
            "complex@0",
            "complex@1",
            "train@us",
            "train@gb");
    assertThat(p.stage("cleanups@labels1").cmd()).containsExactly("clean.py \"labels1\"");
    assertThat(p.stage("complex@1").cmd()).containsExactly("build linux 3.8");
    assertThat(p.stage("train@gb").cmd()).containsExactly("python train.py gb 15");
    assertThat(p.stage("train@gb").outputs())
        .extracting(Output::path)
        .containsExactly("model-gb.pkl");
  }

  /** The case of DVC's tests/func/parsing/test_matrix.py. */
  @Test
  void matrixNamesAndValuesAsDvc() throws IOException {
    Files.writeString(dir.resolve("params.yaml"), "pys: [3.7, 3.8]\n");
    Pipeline p =
        load(
            "stages:\n"
                + "  build:\n"
                + "    matrix:\n"
                + "      os: [win, linux]\n"
                + "      pyv: ${pys}\n"
                + "      dict: [{arg1: 1}, {arg2: 2}]\n"
                + "      list: [[out1, out11], [out2, out22]]\n"
                + "    cmd: echo ${item.os} ${item.pyv} ${item.dict} -- ${item.list.0} ${key}\n");
    assertThat(p.stages().keySet())
        .containsExactly(
            "build@win-3.7-dict0-list0",
            "build@win-3.7-dict0-list1",
            "build@win-3.7-dict1-list0",
            "build@win-3.7-dict1-list1",
            "build@win-3.8-dict0-list0",
            "build@win-3.8-dict0-list1",
            "build@win-3.8-dict1-list0",
            "build@win-3.8-dict1-list1",
            "build@linux-3.7-dict0-list0",
            "build@linux-3.7-dict0-list1",
            "build@linux-3.7-dict1-list0",
            "build@linux-3.7-dict1-list1",
            "build@linux-3.8-dict0-list0",
            "build@linux-3.8-dict0-list1",
            "build@linux-3.8-dict1-list0",
            "build@linux-3.8-dict1-list1");
    assertThat(p.stage("build@linux-3.8-dict1-list1").cmd())
        .containsExactly("echo linux 3.8 --arg2 2 -- out2 linux-3.8-dict1-list1");
  }

  @Test
  void pythonFloatText() {
    assertThat(Yaml.pythonFloat(0.01)).isEqualTo("0.01");
    assertThat(Yaml.pythonFloat(3.0)).isEqualTo("3.0");
    assertThat(Yaml.pythonFloat(1e-5)).isEqualTo("1e-05");
    assertThat(Yaml.pythonFloat(1.5e20)).isEqualTo("1.5e+20");
    assertThat(Yaml.pythonFloat(0.0001)).isEqualTo("0.0001");
  }
}
