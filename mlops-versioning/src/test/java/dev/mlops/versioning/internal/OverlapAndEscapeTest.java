package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths DVC refuses to add (overlapping outputs, ignored folders, escapes) and .gitignore lines.
 */
class OverlapAndEscapeTest extends VersioningTestBase {
  @TempDir Path outside;

  private List<Path> snapshot() throws Exception {
    try (var s = Files.walk(ws)) {
      return s.filter(p -> !p.startsWith(ws.resolve(".mlops"))).sorted().toList();
    }
  }

  @Test
  void aPathInsideATrackedFolderIsRejectedAndNothingChanges() throws Exception {
    write("d/a.txt", "a");
    write("d/sub/b.txt", "b");
    data.add(Path.of("d"));
    List<Path> before = snapshot();
    for (String p : List.of("d/a.txt", "d/sub", "d/sub/b.txt")) {
      assertThatThrownBy(() -> data.add(Path.of(p)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(p)
          .hasMessageContaining("overlap")
          .hasMessageContaining("d.dvc");
    }
    assertThat(snapshot()).isEqualTo(before);
    assertThat(data.status().clean()).isTrue();
  }

  @Test
  void aFolderHoldingAPointerIsRejectedAndNothingChanges() throws Exception {
    write("e/x.txt", "x");
    write("e/y.txt", "y");
    data.add(Path.of("e/x.txt"));
    List<Path> before = snapshot();
    assertThatThrownBy(() -> data.add(Path.of("e")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("overlap")
        .hasMessageContaining("e/x.txt.dvc");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(data.status().clean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {".dvc/foo", ".git/HEAD", "sub/.git/config", ".hg/store"})
  void pathsInFoldersDvcIgnoresAreRejected(String p) throws Exception {
    write(p, "x");
    List<Path> before = snapshot();
    assertThatThrownBy(() -> data.add(Path.of(p)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(p);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aSymlinkLeadingOutsideIsRejected() throws Exception {
    Files.writeString(outside.resolve("secret"), "s");
    Files.createSymbolicLink(ws.resolve("lnk"), outside.resolve("secret"));
    assertThatThrownBy(() -> data.add(Path.of("lnk")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("lnk")
        .hasMessageContaining("symlink");
    assertThatThrownBy(() -> data.hash(Path.of("lnk"))).isInstanceOf(InvalidInputException.class);
    assertThat(ws.resolve("lnk.dvc")).doesNotExist();
  }

  @Test
  void aFileSymlinkedIntoTheCacheCanBeAddedAgain() throws Exception {
    mlops.close();
    mlops = null;
    write("m.bin", "weights");
    try (Mlops m = open(ws, "symlink")) {
      DataVersion v = m.data().add(Path.of("m.bin"));
      assertThat(Files.isSymbolicLink(ws.resolve("m.bin"))).isTrue();
      assertThat(m.data().add(Path.of("m.bin"))).isEqualTo(v);
    }
  }

  // expected lines: scmrepo's Git._add_entry_to_gitignore applies pathspec's
  // GitWildMatchPattern.escape, a backslash before each of []!*#? (read in their source)
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "plain.txt|/plain.txt",
        "!bang|/\\!bang",
        "#hash name|/\\#hash name",
        "st*ar[1]?.txt|/st\\*ar\\[1\\]\\?.txt",
        "ünï cødé 𝄞|/ünï cødé 𝄞"
      })
  void gitignoreEntriesAreEscapedAsDvcDoes(String name, String line) throws Exception {
    write("sub/" + name, "x");
    data.add(Path.of("sub", name));
    data.add(Path.of("sub", name));
    assertThat(Files.readString(ws.resolve("sub/.gitignore"))).isEqualTo(line + "\n");
    assertThat(data.status().clean()).isTrue();
  }

  @Test
  void aTrailingSpaceNameIsIgnoredOnce() throws Exception {
    write("trail ", "t");
    data.add(Path.of("trail "));
    data.add(Path.of("trail "));
    assertThat(Files.readString(ws.resolve(".gitignore"))).isEqualTo("/trail \n");
  }
}
