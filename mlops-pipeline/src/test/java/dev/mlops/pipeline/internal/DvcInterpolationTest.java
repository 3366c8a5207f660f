package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
  void aListCannotBeInterpolatedIntoAStringAsInDvc() throws IOException {
    // DVC: "Cannot interpolate data of type 'list'", in cmd as anywhere else
    assertThatThrownBy(() -> load("flags: [a, b]\n", "stages:\n  s:\n    cmd: echo ${flags}\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("list");
    assertThatThrownBy(
            () ->
                load(
                    "flags: [a, b]\n",
                    "stages:\n  s:\n    cmd: echo hi\n    deps:\n    - x${flags}\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("list");
  }

  @Test
  void onlyAnExactDollarBraceStringKeepsTheValuesType() throws IOException {
    // is_exact_string: "${items}" is the list itself; " ${items}" is a string, and a list in a
    // string is refused
    Pipeline exact =
        load(
            "items: [a, b]\n",
            "stages:\n  s:\n    foreach: ${items}\n    do:\n      cmd: echo ${item}\n");
    assertThat(exact.stages().keySet()).containsExactly("s@a", "s@b");
    assertThatThrownBy(
            () ->
                load(
                    "items: [a, b]\n",
                    "stages:\n  s:\n    foreach: ' ${items}'\n    do:\n      cmd: echo ${item}\n"))
        .isInstanceOf(InvalidInputException.class);
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

  /**
   * Floats interpolate as Python's {@code repr}. Pairs (the double's bits, {@code repr}) printed by
   * {@code python3 -c "import struct; print(struct.unpack('<q', struct.pack('<d', v))[0],
   * repr(v))"}; the first three are integral doubles above 1e16 where JDK 17's {@code
   * Double.toString} prints one digit too many.
   */
  @ParameterizedTest
  @CsvSource({
    "-4342900925986312314, -1.9395363977182264e+18",
    "4873052053137657492, 5.965895616193684e+17",
    "4864143642440725256, 1.523086242547223e+17",
    "4846369599423283200, 1e+16",
    "4831355200913801216, 1000000000000000.0",
    "4547007122018943789, 0.0001",
    "4532020583610935537, 1e-05",
    "4591870180066957722, 0.1",
    "4599676419421066581, 0.3333333333333333",
    "124633661817958447, 2.5e-300",
    "9218868437227405311, 1.7976931348623157e+308",
    "1, 5e-324",
    "4728057454355546112, 123456789.125",
    "-9223372036854775808, -0.0",
    "4636737291354636288, 100.0",
    "4936209963552724370, 1e+22",
    "4614253070214989087, 3.14"
  })
  void floatsReadLikePythonRepr(long bits, String repr) {
    assertThat(Yaml.pythonFloat(Double.longBitsToDouble(bits))).as("bits %d", bits).isEqualTo(repr);
  }
}
