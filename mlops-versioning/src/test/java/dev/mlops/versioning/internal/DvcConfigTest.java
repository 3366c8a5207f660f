package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** .dvc/config read as DVC's configobj reads it. */
class DvcConfigTest {
  @TempDir Path dvc;

  // expected: configobj's _valueexp (quoted value = text between quotes; unquoted value ends at
  // the first '#', an inline comment), read in configobj's source
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "/mnt/store|/mnt/store",
        "/mnt/store   # the team remote|/mnt/store",
        "../store#x|../store",
        "'/mnt/a # b'|/mnt/a # b",
        "\"/mnt/c\"  # comment|/mnt/c",
        "\"/mnt/d\"|/mnt/d"
      })
  void valuesDropInlineCommentsOutsideQuotes(String raw, String expected) {
    assertThat(DvcConfig.unquote(raw)).isEqualTo(expected);
  }

  @Test
  void localConfigOverridesPerKeyAndSectionsMayCarryComments() throws Exception {
    Files.writeString(
        dvc.resolve("config"),
        "[core]  # defaults\n    remote = a\n['remote \"a\"']   # shared\n    url = /x/a\n"
            + "['remote \"b\"']\n    url = s3://bucket/p\n");
    Files.writeString(dvc.resolve("config.local"), "['remote \"a\"']\n    url = ../local # mine\n");
    DvcConfig c = DvcConfig.read(dvc);
    assertThat(c.get("core", "remote")).contains("a");
    assertThat(c.remotes()).isEqualTo(Map.of("a", "../local", "b", "s3://bucket/p"));
  }
}
