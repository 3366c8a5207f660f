package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.versioning.DataVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GcTest extends VersioningTestBase {
  @Test
  void gcKeepsEverythingReferencedByPointersAndDvcLock() throws Exception {
    write("a.txt", "a");
    write("d/x", "x");
    write("d/y", "y");
    write("out/model.pkl", "model");
    write("tmp.txt", "temporary");
    DataVersion a = data.add(Path.of("a.txt"));
    DataVersion d = data.add(Path.of("d"));
    DataVersion model = data.commit(Path.of("out/model.pkl"));
    DataVersion tmp = data.add(Path.of("tmp.txt"));
    Files.delete(ws.resolve("tmp.txt.dvc"));
    // an older version of d whose only file is no longer referenced
    write("d/y", "y2");
    DataVersion d2 = data.add(Path.of("d"));
    String oldY = Hashing.md5("y".getBytes());
    Files.writeString(
        ws.resolve("out/dvc.lock"),
        "schema: '2.0'\nstages:\n  train:\n    cmd: java Train\n    outs:\n    - path: model.pkl\n"
            + "      hash: md5\n      md5: "
            + model.md5()
            + "\n      size: 5\n");

    List<String> dry = data.gc(true);
    assertThat(dry).containsExactlyInAnyOrder(tmp.md5(), oldY, d.md5());
    assertThat(ws.resolve(".mlops/cache").resolve(ObjectStore.key(tmp.md5()))).exists();

    assertThat(data.gc(false)).isEqualTo(dry);
    assertThat(ws.resolve(".mlops/cache").resolve(ObjectStore.key(tmp.md5()))).doesNotExist();
    assertThat(data.isCached(a)).isTrue();
    assertThat(data.isCached(d2)).isTrue();
    assertThat(data.isCached(model)).isTrue();
    assertThat(data.isCached(d)).isFalse();
    assertThat(data.gc(true)).isEmpty();
    assertThat(data.status().clean()).isTrue();
  }
}
