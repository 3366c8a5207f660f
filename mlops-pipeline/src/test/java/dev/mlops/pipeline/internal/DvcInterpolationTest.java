package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interpolation cases checked against DVC's source (dvc/parsing/interpolate.py {@code to_str},
 * dvc/parsing/__init__.py {@code ForeachDefinition.normalized_iterable}) and ruamel's YAML 1.2
 * reading, which DVC uses.
 */
class DvcInterpolationTest {
  @TempDir Path dir;

  private Pipeline load(String params, String yaml) throws IOException {
    Files.writeString(dir.resolve("params.yaml"), params);
    Files.writeString(dir.resolve("dvc.yaml"), yaml);
    return Pipeline.load(dir.resolve("dvc.yaml"));
  }

  @Test
  void aMapInCmdFlattensNestedKeysAndShellQuotesStrings() throws IOException {
    Pipeline p =
        load(
            "train:\n  lr: 0.01\n  layers: [1, 2]\n  empty: []\n  off: false\n  on: true\n"
                + "  opt: {name: adam, beta: 0.9}\n  msg: it's a b\n  blank: ''\n  none: null\n"
                + "  names: [x y, z]\n",
            "stages:\n  s:\n    cmd: python t.py ${train}\n");
    // what DVC's to_str gives on POSIX: flatten() with '.', shlex.quote for strings
    assertThat(p.stage("s").cmd())
        .containsExactly(
            "python t.py --lr 0.01 --layers 1 2 --on --opt.name adam --opt.beta 0.9"
                + " --msg 'it'\"'\"'s a b' --blank '' --none None --names 'x y' z");
  }

  @Test
  void shellQuoteIsPythonsShlexQuote() {
    // python3 -c "import shlex; print([shlex.quote(s) for s in ['a-b/c.d', 'a b', '', 'é',
    // \"'\"]])"
    assertThat(Interpolator.shellQuote("a-b/c.d,x:y=1%@+_")).isEqualTo("a-b/c.d,x:y=1%@+_");
    assertThat(Interpolator.shellQuote("a b")).isEqualTo("'a b'");
    assertThat(Interpolator.shellQuote("")).isEqualTo("''");
    assertThat(Interpolator.shellQuote("é")).isEqualTo("'é'");
    assertThat(Interpolator.shellQuote("'")).isEqualTo("''\"'\"''");
  }

  @Test
  void oneCompositeItemMakesEveryForeachNameAnIndex() throws IOException {
    Pipeline p =
        load(
            "mixed: [a, {x: 1}]\n",
            "stages:\n  s:\n    foreach: ${mixed}\n    do:\n      cmd: echo hi\n");
    assertThat(p.stages().keySet()).containsExactly("s@0", "s@1");
  }

  @Test
  void yaml11BooleanWordsStayStringsAsInYaml12() throws IOException {
    Pipeline p =
        load(
            "a: on\nb: off\nc: yes\nd: no\ne: True\nf: false\n",
            "stages:\n  s:\n    cmd: echo ${a} ${b} ${c} ${d} ${e} ${f}\n"
                + "  t:\n    foreach: [on, y]\n    do:\n      cmd: echo ${item}\n");
    assertThat(p.stage("s").cmd()).containsExactly("echo on off yes no true false");
    assertThat(p.stages().keySet()).contains("t@on", "t@y");
  }
}
