package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.versioning.DataDiff;
import dev.mlops.versioning.DataState;
import dev.mlops.versioning.DataVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddStatusCheckoutTest extends VersioningTestBase {
  @Test
  void addFileWritesDvc3PointerInDvcKeyOrderAndGitignore() throws Exception {
    write("data/model.pkl", "file_content");
    DataVersion v = data.add(Path.of("data/model.pkl"));
    assertThat(v)
        .isEqualTo(new DataVersion("data/model.pkl", "7f0b6bb0b7e951b7fd2b2a4a326297e1", 12, null));
    assertThat(read("data/model.pkl.dvc"))
        .isEqualTo(
            "outs:\n- md5: 7f0b6bb0b7e951b7fd2b2a4a326297e1\n  size: 12\n  hash: md5\n  path: model.pkl\n");
    assertThat(read("data/.gitignore")).isEqualTo("/model.pkl\n");
    assertThat(ws.resolve(".mlops/cache/files/md5/7f/0b6bb0b7e951b7fd2b2a4a326297e1"))
        .hasContent("file_content");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    ws.resolve(".mlops/cache/files/md5/7f/0b6bb0b7e951b7fd2b2a4a326297e1"))))
        .isEqualTo("r--r--r--");
    // adding again does not duplicate the .gitignore entry
    data.add(Path.of("data/model.pkl"));
    assertThat(read("data/.gitignore")).isEqualTo("/model.pkl\n");
    assertThat(data.status().clean()).isTrue();
  }

  @Test
  void addFolderWritesNfilesAndManifestObject() throws Exception {
    write("dir/1", "1");
    write("dir/2", "2");
    DataVersion v = data.add(ws.resolve("dir"));
    assertThat(v.md5()).isEqualTo("5fb6b29836c388e093ca0715c872fe2a.dir");
    assertThat(read("dir.dvc"))
        .isEqualTo(
            "outs:\n- md5: 5fb6b29836c388e093ca0715c872fe2a.dir\n  size: 2\n  nfiles: 2\n"
                + "  hash: md5\n  path: dir\n");
    assertThat(ws.resolve(".mlops/cache/files/md5/5f/b6b29836c388e093ca0715c872fe2a.dir"))
        .hasContent(
            "[{\"md5\": \"c4ca4238a0b923820dcc509a6f75849b\", \"relpath\": \"1\"},"
                + " {\"md5\": \"c81e728d9d4c2f636f067f89cc14862c\", \"relpath\": \"2\"}]");
    assertThat(read(".gitignore")).isEqualTo("/dir\n");
  }

  @Test
  void statusReportsModifiedDeletedAndNotInCache() throws Exception {
    write("a.txt", "a");
    write("b.txt", "b");
    write("c.txt", "c");
    write("d/x", "x");
    data.add(Path.of("a.txt"));
    data.add(Path.of("b.txt"));
    DataVersion c = data.add(Path.of("c.txt"));
    data.add(Path.of("d"));
    assertThat(data.status().clean()).isTrue();

    write("a.txt", "changed");
    Files.delete(ws.resolve("b.txt"));
    Files.delete(cacheFile(c.md5()));
    write("d/y", "new file");
    assertThat(data.status().changes())
        .isEqualTo(
            Map.of(
                "a.txt", DataState.MODIFIED,
                "b.txt", DataState.DELETED,
                "c.txt", DataState.NOT_IN_CACHE,
                "d", DataState.MODIFIED));
  }

  @Test
  void checkoutRestoresAndRefusesToLoseUncachedChanges() throws Exception {
    write("a.txt", "original");
    write("d/x", "x");
    write("d/sub/y", "y");
    data.add(Path.of("a.txt"));
    data.add(Path.of("d"));

    Files.delete(ws.resolve("a.txt"));
    PipelineContractTest.deleteTree(ws.resolve("d"));
    data.checkout();
    assertThat(read("a.txt")).isEqualTo("original");
    assertThat(read("d/sub/y")).isEqualTo("y");
    assertThat(data.status().clean()).isTrue();

    write("a.txt", "edited, not cached");
    assertThatThrownBy(() -> data.checkout(Path.of("a.txt.dvc")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("a.txt");
    assertThat(read("a.txt")).isEqualTo("edited, not cached");

    write("d/new", "uncached new file");
    write("d/x", "uncached edit");
    assertThatThrownBy(() -> data.checkout(Path.of("d.dvc")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("d/new")
        .hasMessageContaining("d/x");
    assertThat(read("d/new")).isEqualTo("uncached new file");
    assertThat(read("d/x")).isEqualTo("uncached edit");

    data.checkout(Path.of("d"), true);
    data.checkout(Path.of("a.txt.dvc"), true);
    assertThat(ws.resolve("d/new")).doesNotExist();
    assertThat(read("d/x")).isEqualTo("x");
    assertThat(read("a.txt")).isEqualTo("original");
  }

  @Test
  void checkoutOverwritesChangesThatAreCached() throws Exception {
    write("a.txt", "v1");
    DataVersion v1 = data.add(Path.of("a.txt"));
    write("a.txt", "v2");
    data.add(Path.of("a.txt"));
    // put the v1 pointer back: the workspace holds v2, which is cached, so nothing is lost
    Files.writeString(
        ws.resolve("a.txt.dvc"),
        new String(PointerFile.render("a.txt", v1.md5(), v1.size(), -1), StandardCharsets.UTF_8));
    data.checkout(Path.of("a.txt.dvc"));
    assertThat(read("a.txt")).isEqualTo("v1");
  }

  @Test
  void diffAndOpen() throws Exception {
    write("d/keep", "same");
    write("d/change", "before");
    write("d/gone", "bye");
    DataVersion a = data.add(Path.of("d"));
    write("d/change", "after");
    Files.delete(ws.resolve("d/gone"));
    write("d/new/file", "hi");
    DataVersion b = data.add(Path.of("d"));
    DataDiff diff = data.diff(a, b);
    assertThat(diff.added()).containsExactly("new/file");
    assertThat(diff.deleted()).containsExactly("gone");
    assertThat(diff.modified()).containsExactly("change");
    assertThat(data.diff(a, a).isEmpty()).isTrue();

    try (InputStream in = data.open(a, "change")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("before");
    }
    write("f.txt", "file");
    DataVersion f = data.add(Path.of("f.txt"));
    try (InputStream in = data.open(f)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("file");
    }
    assertThatThrownBy(() -> data.open(a, "nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> data.open(a)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> data.diff(f, a)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void progressIsReported() throws Exception {
    for (int i = 0; i < 300; i++) {
      write("many/f" + i, "content " + i);
    }
    List<Long> done = new ArrayList<>();
    data.add(
        Path.of("many"),
        (task, d, total) -> {
          synchronized (done) {
            done.add(d);
          }
          assertThat(total).isEqualTo(300);
          assertThat(task).contains("many");
        });
    assertThat(done).contains(0L, 300L);
    // a throwing listener does not break the operation
    write("other/x", "x");
    DataVersion v =
        data.add(
            Path.of("other"),
            (t, d, n) -> {
              throw new IllegalStateException("listener bug");
            });
    assertThat(v.nfiles()).isEqualTo(1);
  }

  @Test
  void rejectsBadPaths() throws Exception {
    assertThatThrownBy(() -> data.add(Path.of("../outside")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> data.add(Path.of("missing.txt")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> data.checkout(Path.of("nothing.dvc")))
        .isInstanceOf(NotFoundException.class);
    Path outside = Files.createTempDirectory("outside");
    try {
      Files.createSymbolicLink(ws.resolve("link"), outside);
      Files.writeString(outside.resolve("f"), "x");
      assertThatThrownBy(() -> data.add(Path.of("link/f")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("symlink");
    } finally {
      Files.deleteIfExists(outside.resolve("f"));
      Files.deleteIfExists(outside);
    }
    assertThat(ws.resolve(".gitignore")).doesNotExist();
  }

  Path cacheFile(String md5) {
    return ws.resolve(".mlops/cache/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2));
  }
}
