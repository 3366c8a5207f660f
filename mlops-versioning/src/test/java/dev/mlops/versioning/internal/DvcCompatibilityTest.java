package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.versioning.DataState;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files as DVC writes them (examples of the reference) read back, in a DVC repo layout. */
class DvcCompatibilityTest {
  @TempDir Path ws;

  static void copyResource(String name, Path target) throws Exception {
    try (InputStream in = DvcCompatibilityTest.class.getResourceAsStream("/dvc/" + name)) {
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
    }
  }

  @Test
  void readsDvc3AndDvc2Pointers() throws Exception {
    copyResource("dvc3-file-and-dir.dvc", ws.resolve("pair.dvc"));
    PointerFile p = PointerFile.read(ws.resolve("pair.dvc"));
    assertThat(p.outs()).hasSize(2);
    PointerFile.Out file = p.outs().get(0);
    assertThat(file.path()).isEqualTo("model.pkl");
    assertThat(file.md5()).isEqualTo("0f343b0931126a20f133d67c2b018a3b");
    assertThat(file.size()).isEqualTo(1024);
    assertThat(file.legacy()).isFalse();
    PointerFile.Out dir = p.outs().get(1);
    assertThat(dir.isDir()).isTrue();
    assertThat(dir.nfiles()).isEqualTo(2);
    assertThat(dir.absolute()).isEqualTo(ws.resolve("dir"));

    copyResource("dvc2-data.xml.dvc", ws.resolve("data/data.xml.dvc"));
    PointerFile.Out legacy = PointerFile.read(ws.resolve("data/data.xml.dvc")).outs().get(0);
    assertThat(legacy.legacy()).isTrue();
    assertThat(legacy.md5()).isEqualTo("a304afb96060aad90176268345e10355");
    assertThat(legacy.size()).isEqualTo(37891850);
    assertThat(legacy.absolute()).isEqualTo(ws.resolve("data/data.xml"));
  }

  @Test
  void ourPointerRoundTripsToTheExampleBytes() throws Exception {
    String ours =
        new String(
            PointerFile.render("dir", "5fb6b29836c388e093ca0715c872fe2a.dir", 2, 2),
            StandardCharsets.UTF_8);
    String example = Files.readString(copyAndGet("dvc3-file-and-dir.dvc"));
    assertThat(example).endsWith(ours.substring("outs:\n".length()));
  }

  private Path copyAndGet(String name) throws Exception {
    Path p = ws.resolve("tmp-" + name);
    copyResource(name, p);
    return p;
  }

  @Test
  void readsTheDvcLockExample() throws Exception {
    copyResource("dvc.lock", ws.resolve("dvc.lock"));
    List<PointerFile.Out> outs = LockFile.outs(ws.resolve("dvc.lock"));
    assertThat(outs).hasSize(1);
    assertThat(outs.get(0).path()).isEqualTo("model.pkl");
    assertThat(outs.get(0).md5()).isEqualTo("0f343b0931126a20f133d67c2b018a3b");
    assertThat(outs.get(0).legacy()).isFalse();
  }

  @Test
  void dvcRepoUsesItsCacheAndReadsTheExamplePointer() throws Exception {
    Files.createDirectories(ws.resolve(".dvc"));
    Files.createDirectories(ws.resolve("dir"));
    Files.writeString(ws.resolve("dir/1"), "1");
    Files.writeString(ws.resolve("dir/2"), "2");
    copyResource("dvc3-file-and-dir.dvc", ws.resolve("pair.dvc"));
    try (Mlops m = VersioningTestBase.open(ws, null)) {
      DataVersioning data = m.data();
      DataVersion d = data.commit(Path.of("dir"));
      assertThat(d.md5()).isEqualTo("5fb6b29836c388e093ca0715c872fe2a.dir");
      assertThat(ws.resolve(".dvc/cache/files/md5/5f/b6b29836c388e093ca0715c872fe2a.dir")).exists();
      assertThat(ws.resolve(".dvc/cache/files/md5/c4/ca4238a0b923820dcc509a6f75849b"))
          .hasContent("1");
      assertThat(data.status().changes()).isEqualTo(Map.of("model.pkl", DataState.NOT_IN_CACHE));

      // one output's object is missing: the checkout is rejected before anything changes
      PipelineContractTest.deleteTree(ws.resolve("dir"));
      assertThatThrownBy(() -> data.checkout(Path.of("pair.dvc")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("0f343b0931126a20f133d67c2b018a3b");
      assertThat(ws.resolve("dir")).doesNotExist();
    }
  }

  @Test
  void legacyPointerUsesDos2UnixAndTheLegacyCache() throws Exception {
    Files.createDirectories(ws.resolve(".dvc"));
    byte[] crlf = "a\r\nb\r\nc".getBytes(StandardCharsets.US_ASCII);
    Files.write(ws.resolve("crlf.txt"), crlf);
    copyResource("dvc2-crlf.dvc", ws.resolve("crlf.txt.dvc"));
    try (Mlops m = VersioningTestBase.open(ws, null)) {
      DataVersioning data = m.data();
      assertThat(data.status().changes()).isEqualTo(Map.of("crlf.txt", DataState.NOT_IN_CACHE));
      // DVC 2 stored the original bytes under the dos2unix hash, directly under the cache root
      Path legacyObj = ws.resolve(".dvc/cache/c3/2b2057b9bd62caa835386346177935");
      Files.createDirectories(legacyObj.getParent());
      Files.write(legacyObj, crlf);
      assertThat(data.status().clean()).isTrue();

      Files.delete(ws.resolve("crlf.txt"));
      assertThat(data.status().changes()).isEqualTo(Map.of("crlf.txt", DataState.DELETED));
      data.checkout();
      assertThat(Files.readAllBytes(ws.resolve("crlf.txt"))).isEqualTo(crlf);

      DataVersion v = new DataVersion("crlf.txt", "c32b2057b9bd62caa835386346177935", 7, null);
      assertThat(data.isCached(v)).isTrue();
      try (InputStream in = data.open(v)) {
        assertThat(in.readAllBytes()).isEqualTo(crlf);
      }
      // LF-only content has the same legacy hash: still unchanged for DVC 2
      Files.write(ws.resolve("crlf.txt"), "a\nb\nc".getBytes(StandardCharsets.US_ASCII));
      assertThat(data.status().clean()).isTrue();
      // re-adding writes DVC 3 (plain md5, hash: md5)
      DataVersion v3 = data.add(Path.of("crlf.txt"));
      assertThat(v3.md5()).isEqualTo(Hashing.md5("a\nb\nc".getBytes(StandardCharsets.US_ASCII)));
      assertThat(Files.readString(ws.resolve("crlf.txt.dvc"))).contains("hash: md5");
    }
  }
}
