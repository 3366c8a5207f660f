package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** hash / commit / isCached / restore: the methods the pipeline module relies on. */
class PipelineContractTest extends VersioningTestBase {
  @Test
  void hashOfFileAndFolderMatchesDvcWithoutCaching() throws Exception {
    write("d/1", "1");
    write("d/2", "2");
    write("m.txt", "file_content");
    DataVersion f = data.hash(Path.of("m.txt"));
    assertThat(f).isEqualTo(new DataVersion("m.txt", "7f0b6bb0b7e951b7fd2b2a4a326297e1", 12, null));
    DataVersion d = data.hash(ws.resolve("d"));
    assertThat(d).isEqualTo(new DataVersion("d", "5fb6b29836c388e093ca0715c872fe2a.dir", 2, 2));
    assertThat(d.isDirectory()).isTrue();
    assertThat(data.isCached(f)).isFalse();
    assertThat(data.isCached(d)).isFalse();
    assertThat(Files.exists(ws.resolve("m.txt.dvc"))).isFalse();
    assertThat(Files.exists(ws.resolve(".mlops/cache/files"))).isFalse();
  }

  @Test
  void hashUsesTheStateTableAndSeesChanges() throws Exception {
    Path f = write("a.txt", "1");
    assertThat(data.hash(f).md5()).isEqualTo("c4ca4238a0b923820dcc509a6f75849b");
    Files.writeString(f, "2");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertThat(data.hash(f).md5()).isEqualTo("c81e728d9d4c2f636f067f89cc14862c");
    assertThat(data.hash(f).md5()).isEqualTo("c81e728d9d4c2f636f067f89cc14862c");
  }

  @Test
  void commitCachesWithoutPointerAndRestoreRecreates() throws Exception {
    write("out/a.txt", "alpha");
    write("out/sub/b.txt", "beta");
    write("model.bin", "weights");
    DataVersion d = data.commit(Path.of("out"));
    DataVersion f = data.commit(Path.of("model.bin"));
    assertThat(data.isCached(d)).isTrue();
    assertThat(data.isCached(f)).isTrue();
    assertThat(Files.exists(ws.resolve("out.dvc"))).isFalse();
    assertThat(Files.exists(ws.resolve(".gitignore"))).isFalse();
    assertThat(
            ws.resolve(
                ".mlops/cache/files/md5/" + f.md5().substring(0, 2) + "/" + f.md5().substring(2)))
        .exists();

    // replace whatever is there
    deleteTree(ws.resolve("out"));
    write("out/extra.txt", "not in the version");
    Files.delete(ws.resolve("model.bin"));
    data.restore(d, Path.of("out"));
    data.restore(f, ws.resolve("model.bin"));
    assertThat(read("out/a.txt")).isEqualTo("alpha");
    assertThat(read("out/sub/b.txt")).isEqualTo("beta");
    assertThat(ws.resolve("out/extra.txt")).doesNotExist();
    assertThat(read("model.bin")).isEqualTo("weights");
    assertThat(data.hash(Path.of("out"))).isEqualTo(d);

    // restore to another place, a folder where a file was
    write("copy", "a file in the way");
    data.restore(d, Path.of("copy"));
    assertThat(read("copy/sub/b.txt")).isEqualTo("beta");
  }

  @Test
  void isCachedIsFalseWhenAFolderMemberIsMissing() throws Exception {
    write("out/a.txt", "alpha");
    write("out/b.txt", "beta");
    DataVersion d = data.commit(Path.of("out"));
    String md5 = data.hash(Path.of("out/b.txt")).md5();
    Path obj = ws.resolve(".mlops/cache/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2));
    Files.delete(obj);
    assertThat(data.isCached(d)).isFalse();
    assertThatThrownBy(() -> data.restore(d, Path.of("elsewhere")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(md5);
    assertThat(ws.resolve("elsewhere")).doesNotExist();
  }

  @Test
  void pathsOutsideTheWorkspaceAreRejected() {
    assertThatThrownBy(() -> data.hash(Path.of("../x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("inside the workspace");
    assertThatThrownBy(() -> data.commit(Path.of("/etc/hostname")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> data.hash(Path.of("missing"))).isInstanceOf(NotFoundException.class);
  }

  static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
