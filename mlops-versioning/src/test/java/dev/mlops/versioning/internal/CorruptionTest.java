package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.StoreException;
import dev.mlops.versioning.DataVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Corrupted cache objects are reported by name and never checked out. */
class CorruptionTest extends VersioningTestBase {
  static void corrupt(Path obj) throws Exception {
    Files.setPosixFilePermissions(obj, PosixFilePermissions.fromString("rw-r--r--"));
    byte[] b = Files.readAllBytes(obj);
    b[0] ^= 1;
    Files.write(obj, b);
  }

  Path obj(String md5) {
    return ws.resolve(".mlops/cache/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy", "hardlink", "symlink", "reflink,copy"})
  void corruptedFileIsNeverCheckedOut(String linkType) throws Exception {
    mlops.close();
    mlops = open(ws, linkType);
    data = mlops.data();
    write("f.bin", "precious bytes");
    DataVersion v = data.add(Path.of("f.bin"));
    Files.delete(ws.resolve("f.bin"));
    corrupt(obj(v.md5()));
    assertThatThrownBy(() -> data.checkout(Path.of("f.bin.dvc")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(v.md5())
        .hasMessageContaining("corrupted");
    assertThat(ws.resolve("f.bin")).doesNotExist();
    try (var s = Files.list(ws)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy", "hardlink"})
  void corruptedFolderMemberIsReportedAndNotPlaced(String linkType) throws Exception {
    mlops.close();
    mlops = open(ws, linkType);
    data = mlops.data();
    write("d/good", "good");
    write("d/bad", "bad content");
    DataVersion d = data.add(Path.of("d"));
    String badMd5 = data.hash(Path.of("d/bad")).md5();
    PipelineContractTest.deleteTree(ws.resolve("d"));
    corrupt(obj(badMd5));
    assertThatThrownBy(() -> data.checkout(Path.of("d.dvc")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(badMd5);
    assertThat(ws.resolve("d/bad")).doesNotExist();
    assertThat(data.isCached(d)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void openFailsOnCorruptedObjectsAndManifests(boolean manifest) throws Exception {
    write("d/a", "aaa");
    DataVersion d = data.add(Path.of("d"));
    String md5 = data.hash(Path.of("d/a")).md5();
    corrupt(obj(manifest ? d.md5() : md5));
    assertThatThrownBy(
            () -> {
              try (InputStream in = data.open(d, "a")) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(manifest ? d.md5() : md5);
  }
}
