package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.versioning.DataVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** File names that YAML would read as something else must round-trip through pointers. */
class PointerNameTest extends VersioningTestBase {
  /**
   * Names a plain YAML scalar would turn into an int, float, bool, null, date or merge key under
   * YAML 1.1 (PyYAML 6.0.3 {@code safe_load} gave int/float/bool/None/date/error for each, checked
   * offline) or YAML 1.2 (ruamel, DVC's loader: {@code 0o17}, {@code 1e3}).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "123",
        "0x1F",
        "017",
        "0o17",
        "0b101",
        "1_000",
        "1:20",
        "+1",
        "-1",
        "1e3",
        "1e-3",
        "6.02E+23",
        "1.",
        ".5",
        ".inf",
        "-.inf",
        ".NaN",
        "true",
        "True",
        "FALSE",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "~",
        "null",
        "NULL",
        "2001-12-14",
        "<<",
        "=",
        "00000000000000000000000000000001",
        "12345678901234567890123456789012"
      })
  void scalarLookingNamesStayStrings(String name) throws Exception {
    write("w/" + name, "content of " + name);
    DataVersion v = data.add(Path.of("w", name));
    assertThat(v.path()).isEqualTo("w/" + name);
    String pointer = Files.readString(ws.resolve("w").resolve(name + ".dvc"));
    assertThat(pointer).contains("  path: \"" + name + "\"\n");
    Files.delete(ws.resolve("w").resolve(name));
    data.checkout(Path.of("w", name + ".dvc"));
    assertThat(Files.readString(ws.resolve("w").resolve(name))).isEqualTo("content of " + name);
    assertThat(data.status().clean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"data.csv", "2023_data.csv", "NaN", "v1.2.3", "model-7"})
  void ordinaryNamesStayPlainAsDvcWritesThem(String name) throws Exception {
    write(name, "x");
    data.add(Path.of(name));
    assertThat(Files.readString(ws.resolve(name + ".dvc"))).contains("  path: " + name + "\n");
  }

  @Test
  void aBackslashIsANameCharacterOnPosix() throws Exception {
    String name = "back\\slash";
    write(name, "b");
    data.add(Path.of(name));
    Files.delete(ws.resolve(name));
    assertThat(data.status().changes()).containsEntry(name, dev.mlops.versioning.DataState.DELETED);
    data.checkout();
    assertThat(Files.readString(ws.resolve(name), StandardCharsets.UTF_8)).isEqualTo("b");
    assertThat(data.status().clean()).isTrue();
  }
}
