package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteTest extends VersioningTestBase {
  @TempDir Path remoteDir;
  @TempDir Path other;

  private long objectsIn(Path root) throws Exception {
    try (var s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void pushPullRoundTripTransfersOnlyMissingObjects() throws Exception {
    for (int i = 0; i < 300; i++) {
      write("big/f" + (i % 7) + "/" + i + ".txt", "content " + i);
    }
    write("model.bin", "weights");
    DataVersion d = data.add(Path.of("big"));
    DataVersion f = data.add(Path.of("model.bin"));
    data.addRemote("r", remoteDir.toUri());
    AtomicLong total = new AtomicLong(-2);
    data.push("r", (task, done, n) -> total.set(n));
    assertThat(total.get()).isEqualTo(302);
    assertThat(
            remoteDir.resolve("files/md5/" + f.md5().substring(0, 2) + "/" + f.md5().substring(2)))
        .hasContent("weights");
    assertThat(
            remoteDir.resolve("files/md5/" + d.md5().substring(0, 2) + "/" + d.md5().substring(2)))
        .exists();
    assertThat(objectsIn(remoteDir)).isEqualTo(302);
    data.push("r", (task, done, n) -> total.set(n));
    assertThat(total.get()).isZero();

    // a clone: pointers only, then pull
    Files.copy(ws.resolve("big.dvc"), other.resolve("big.dvc"));
    Files.copy(ws.resolve("model.bin.dvc"), other.resolve("model.bin.dvc"));
    try (Mlops m2 = open(other, null)) {
      DataVersioning d2 = m2.data();
      d2.addRemote("r", remoteDir.toUri());
      d2.pull("r");
      assertThat(Files.readString(other.resolve("model.bin"))).isEqualTo("weights");
      assertThat(Files.readString(other.resolve("big/f3/10.txt"))).isEqualTo("content 10");
      assertThat(d2.status().clean()).isTrue();
      assertThat(d2.hash(Path.of("big"))).isEqualTo(d);
      // fetch again: nothing missing
      AtomicLong fetched = new AtomicLong();
      d2.fetch("r", (t, done, n) -> fetched.addAndGet(done));
      assertThat(fetched.get()).isZero();
    }
  }

  @Test
  void remotesFromDvcConfigAndCoreRemote() throws Exception {
    mlops.close();
    Files.createDirectories(ws.resolve(".dvc"));
    Files.writeString(
        ws.resolve(".dvc/config"),
        "[core]\n    remote = storage\n['remote \"storage\"']\n    url = ../../remote-store\n"
            + "['remote \"other\"']\n    url = "
            + remoteDir.toUri()
            + "\n");
    mlops = open(ws, null);
    data = mlops.data();
    write("a.txt", "a");
    DataVersion v = data.add(Path.of("a.txt"));
    data.push(null);
    Path store = ws.getParent().resolve("remote-store");
    try {
      assertThat(store.resolve(ObjectStore.key(v.md5()))).hasContent("a");
      data.push("other");
      assertThat(remoteDir.resolve(ObjectStore.key(v.md5()))).hasContent("a");
    } finally {
      PipelineContractTest.deleteTree(store);
    }
  }

  @Test
  void errors() throws Exception {
    assertThatThrownBy(() -> data.push("nope"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("unknown remote 'nope'");
    assertThatThrownBy(() -> data.addRemote("s3", URI.create("s3://bucket/path")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("S3 remotes are not available yet");
    assertThatThrownBy(() -> data.addRemote("x", URI.create("gopher://host/x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("file");
    assertThatThrownBy(() -> data.push(null)).isInstanceOf(InvalidInputException.class);

    // an object the remote lacks
    write("a.txt", "a");
    data.add(Path.of("a.txt"));
    Path obj =
        ws.resolve(".mlops/cache").resolve(ObjectStore.key(data.hash(Path.of("a.txt")).md5()));
    Files.delete(obj);
    data.addRemote("r", remoteDir.toUri());
    assertThatThrownBy(() -> data.fetch("r"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("missing from remote");
  }

  @Test
  void corruptedRemoteObjectIsRejected() throws Exception {
    write("a.txt", "good bytes");
    DataVersion v = data.add(Path.of("a.txt"));
    data.addRemote("r", remoteDir.toUri());
    data.push("r");
    Path remoteObj = remoteDir.resolve(ObjectStore.key(v.md5()));
    Files.writeString(remoteObj, "evil bytes");
    Path cached = ws.resolve(".mlops/cache").resolve(ObjectStore.key(v.md5()));
    Files.delete(cached);
    Files.delete(ws.resolve("a.txt"));
    assertThatThrownBy(() -> data.pull("r"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(v.md5());
    assertThat(cached).doesNotExist();
    assertThat(ws.resolve("a.txt")).doesNotExist();
  }
}
