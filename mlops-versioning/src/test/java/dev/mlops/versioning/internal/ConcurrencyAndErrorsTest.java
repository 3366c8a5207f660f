package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyAndErrorsTest extends VersioningTestBase {
  @Test
  void concurrentAddOfDifferentPathsFromTwoThreads() throws Exception {
    for (int i = 0; i < 200; i++) {
      write("left/" + i, "L" + i);
      write("right/" + i, "R" + (i % 50)); // duplicates share cache objects
    }
    write("shared-name/x", "same");
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<DataVersion> l =
        CompletableFuture.supplyAsync(() -> await(start, () -> data.add(Path.of("left"))));
    CompletableFuture<DataVersion> r =
        CompletableFuture.supplyAsync(() -> await(start, () -> data.add(Path.of("right"))));
    DataVersion left = l.get(60, TimeUnit.SECONDS);
    DataVersion right = r.get(60, TimeUnit.SECONDS);
    assertThat(left.nfiles()).isEqualTo(200);
    assertThat(right.nfiles()).isEqualTo(200);
    assertThat(data.isCached(left)).isTrue();
    assertThat(data.isCached(right)).isTrue();
    assertThat(Files.readAllLines(ws.resolve(".gitignore")))
        .containsExactlyInAnyOrder("/left", "/right");
    assertThat(data.status().clean()).isTrue();
    assertThat(left).isEqualTo(data.hash(Path.of("left")));
  }

  private static <T> T await(CyclicBarrier b, java.util.function.Supplier<T> s) {
    try {
      b.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return s.get();
  }

  @Test
  void malformedPointerNamesFileAndLine() throws Exception {
    write("x.dvc", "outs:\n- md5: not-a-hash\n  path: x\n");
    assertThatThrownBy(() -> data.status())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("x.dvc:2")
        .hasMessageContaining("not-a-hash");
    write("x.dvc", "outs:\n- md5: c4ca4238a0b923820dcc509a6f75849b\n  path: x\n  hash: sha256\n");
    assertThatThrownBy(() -> data.checkout(Path.of("x.dvc")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("x.dvc:4");
    write("x.dvc", "outs: [\n  {md5: c4ca\n");
    assertThatThrownBy(() -> data.checkout(Path.of("x.dvc")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageMatching("(?s).*x\\.dvc:\\d+.*");
    write("x.dvc", "something: else\n");
    assertThatThrownBy(() -> data.checkout(Path.of("x.dvc")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("x.dvc:1")
        .hasMessageContaining("outs");
    write("x.dvc", "outs:\n- md5: c4ca4238a0b923820dcc509a6f75849b\n  size: -3\n  path: x\n");
    assertThatThrownBy(() -> data.gc(true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("x.dvc:3");
    assertThat(ws.resolve("x")).doesNotExist();
  }

  @Test
  void pointersAndManifestsCannotEscapeTheWorkspace() throws Exception {
    write(
        "evil.dvc",
        "outs:\n- md5: c4ca4238a0b923820dcc509a6f75849b\n  hash: md5\n  path: ../../escaped\n");
    assertThatThrownBy(() -> data.checkout(Path.of("evil.dvc")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("inside the workspace");
    assertThatThrownBy(() -> data.status()).isInstanceOf(InvalidInputException.class);
    java.nio.file.Files.delete(ws.resolve("evil.dvc"));

    // a manifest (valid hash of its own bytes) naming ../ paths is refused
    write("f", "1");
    DataVersion one = data.commit(Path.of("f"));
    byte[] evil =
        ("[{\"md5\": \"" + one.md5() + "\", \"relpath\": \"../outside\"}]")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String oid = Hashing.md5(evil) + ".dir";
    Path obj = ws.resolve(".mlops/cache").resolve(ObjectStore.key(oid));
    Files.createDirectories(obj.getParent());
    Files.write(obj, evil);
    assertThatThrownBy(() -> data.restore(new DataVersion("d", oid, 1, 1), Path.of("d")))
        .isInstanceOf(dev.mlops.StoreException.class)
        .hasMessageContaining("unsafe relpath");
    assertThat(ws.resolve("outside")).doesNotExist();
    assertThat(ws.getParent().resolve("outside")).doesNotExist();
  }

  @Test
  void rejectedCheckoutChangesNothing() throws Exception {
    write("a/1", "1");
    write("b/2", "2");
    data.add(Path.of("a"));
    data.add(Path.of("b"));
    Files.delete(ws.resolve("a/1"));
    write("b/2", "uncached edit");
    assertThatThrownBy(() -> data.checkout()).isInstanceOf(dev.mlops.ConflictException.class);
    assertThat(ws.resolve("a/1")).doesNotExist();
    assertThat(read("b/2")).isEqualTo("uncached edit");
    assertThat(List.of(data.status().changes().keySet().toArray())).containsExactly("a", "b");
  }
}
