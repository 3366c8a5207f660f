package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pointer fields DVC writes and keeps beyond the hash: {@code isexec} (dvc-data meta.py, set again
 * by {@code Output.set_exec} on checkout), the annotations, {@code remote} and {@code push} that
 * {@code dvc add} keeps from the pointer it replaces ({@code restore_fields} in
 * dvc/stage/__init__.py), and {@code push: false} (left out by {@code dvc push}).
 */
class PointerFieldsTest extends VersioningTestBase {
  @Test
  void anExecutableFileIsRecordedAsIsexecAndCheckedOutExecutable() throws Exception {
    Path x = write("run.sh", "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rwxr-xr-x"));
    data.add(Path.of("run.sh"));
    assertThat(read("run.sh.dvc"))
        .isEqualTo(
            "outs:\n- md5: 46bbbe8aa98cc0714426e948474eaaf4\n  size: 18\n  isexec: true\n"
                + "  hash: md5\n  path: run.sh\n");
    Files.delete(x);
    data.checkout(Path.of("run.sh.dvc"));
    assertThat(Files.getPosixFilePermissions(x)).contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(read("run.sh")).isEqualTo("#!/bin/sh\necho hi\n");

    Path plain = write("plain.txt", "x");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    data.add(Path.of("plain.txt"));
    assertThat(read("plain.txt.dvc")).doesNotContain("isexec");
  }

  @Test
  void reAddKeepsTheAnnotationsRemoteAndPushOfTheReplacedPointer() throws Exception {
    write("d.txt", "hello");
    write(
        "d.txt.dvc",
        "desc: top\nouts:\n- md5: 00000000000000000000000000000000\n  size: 1\n  hash: md5\n"
            + "  path: d.txt\n  desc: my data\n  type: dataset\n  labels:\n  - a\n  - b\n"
            + "  meta:\n    owner: x\n  remote: other\n  push: false\nmeta:\n  k: v\n");
    data.add(Path.of("d.txt"));
    PointerFile p = PointerFile.read(ws.resolve("d.txt.dvc"));
    assertThat(p.outs().get(0).md5()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
    assertThat(p.outs().get(0).push()).isFalse();
    String text = read("d.txt.dvc");
    assertThat(text)
        .startsWith(
            "desc: top\nouts:\n- md5: 5d41402abc4b2a76b9719d911017c592\n  size: 5\n  hash: md5\n"
                + "  path: d.txt\n  desc: my data\n  type: dataset\n  labels:\n");
    assertThat(text)
        .contains("  meta:\n    owner: x\n  remote: other\n  push: false\nmeta:\n  k: v\n");
  }

  @Test
  void pushLeavesOutPushFalseOutputs() throws Exception {
    write("a.txt", "a");
    write("b.txt", "b");
    data.add(Path.of("a.txt"));
    data.add(Path.of("b.txt"));
    Files.writeString(
        ws.resolve("b.txt.dvc"), read("b.txt.dvc") + "  push: false\n"); // as DVC writes it
    Path remote = ws.resolve("remote");
    data.addRemote("r", URI.create(remote.toUri().toString()));
    data.push("r");
    try (Stream<Path> s = Files.walk(remote)) {
      // md5("a") = 0cc175b9c0f1b6a831c399e269772661; md5("b") is not pushed
      assertThat(s.filter(Files::isRegularFile).map(f -> remote.relativize(f).toString()))
          .containsExactly("files/md5/0c/c175b9c0f1b6a831c399e269772661");
    }
  }
}
