package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.versioning.DataState;
import dev.mlops.versioning.DataVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The folder summary row (a fingerprint of every file's relpath and stat) answers status and hash
 * of an unchanged folder; any change to the folder's files must still be seen.
 */
class FolderSummaryTest extends VersioningTestBase {

  private DataVersion addTree(int files) throws Exception {
    for (int i = 0; i < files; i++) {
      write("tree/d" + (i % 7) + "/f" + i + ".txt", "content " + i);
    }
    write("tree/top.txt", "top");
    return data.add(Path.of("tree"));
  }

  private Map<String, DataState> changes() {
    return data.status().changes();
  }

  @Test
  void unchangedFolderIsCleanAndHashesTheSame() throws Exception {
    DataVersion v = addTree(40);
    for (int i = 0; i < 3; i++) {
      assertThat(data.status().clean()).as("status run %d", i).isTrue();
      assertThat(data.hash(Path.of("tree"))).as("hash run %d", i).isEqualTo(v);
    }
  }

  @Test
  void sameSizeEditWithNewMtimeIsModified() throws Exception {
    addTree(40);
    assertThat(data.status().clean()).isTrue();
    Path f = ws.resolve("tree/d3/f10.txt");
    FileTime before = Files.getLastModifiedTime(f);
    Files.writeString(f, "CONTENT 10", StandardCharsets.UTF_8); // same length
    Files.setLastModifiedTime(f, FileTime.fromMillis(before.toMillis() + 5_000));
    assertThat(changes()).containsEntry("tree", DataState.MODIFIED);
    // same bytes again (another mtime): clean, by hash
    Files.writeString(f, "content 10", StandardCharsets.UTF_8);
    assertThat(data.status().clean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rename", "add", "delete", "addTop", "emptyDirOnly"})
  void structuralChangesAreSeen(String change) throws Exception {
    DataVersion v = addTree(40);
    assertThat(data.status().clean()).isTrue();
    switch (change) {
      case "rename" -> Files.move(ws.resolve("tree/d1/f1.txt"), ws.resolve("tree/d1/g1.txt"));
      case "add" -> write("tree/d9/new/deep.txt", "new");
      case "delete" -> Files.delete(ws.resolve("tree/d2/f2.txt"));
      case "addTop" -> write("tree/another.txt", "x");
      default -> Files.createDirectories(ws.resolve("tree/empty/inner"));
    }
    if (change.equals("emptyDirOnly")) {
      // DVC manifests list files only: an empty folder changes nothing
      assertThat(data.status().clean()).as(change).isTrue();
      assertThat(data.hash(Path.of("tree"))).isEqualTo(v);
    } else {
      assertThat(changes()).as(change).containsEntry("tree", DataState.MODIFIED);
      assertThat(data.hash(Path.of("tree")).md5()).as(change).isNotEqualTo(v.md5());
    }
  }

  @Test
  void missingCacheObjectIsReportedEvenWhenTheFolderIsUnchanged() throws Exception {
    DataVersion v = addTree(10);
    assertThat(data.status().clean()).isTrue();
    String some = Files.readString(ws.resolve("tree/d0/f0.txt"));
    String md5 = Hashing.md5(some.getBytes(StandardCharsets.UTF_8));
    Path obj = ws.resolve(".mlops/cache/files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2));
    Files.delete(obj);
    assertThat(changes()).containsEntry("tree", DataState.NOT_IN_CACHE);
    assertThat(v.nfiles()).isEqualTo(11);
  }

  @ParameterizedTest
  @ValueSource(strings = {"delete", "replace"})
  void aRememberedCompleteFolderStillSeesAnObjectRemovedLater(String how) throws Exception {
    addTree(10);
    // age the cache folders past the racy window, so the status remembers "complete" for them
    Path objects = ws.resolve(".mlops/cache/files/md5");
    FileTime old = FileTime.from(Instant.now().minusSeconds(60));
    try (var dirs = Files.list(objects)) {
      for (Path d : dirs.toList()) {
        Files.setLastModifiedTime(d, old);
      }
    }
    Files.setLastModifiedTime(objects, old);
    assertThat(data.status().clean()).isTrue();
    assertThat(data.status().clean()).as("answered from the remembered stamp").isTrue();
    String md5 =
        Hashing.md5(
            Files.readString(ws.resolve("tree/d1/f1.txt")).getBytes(StandardCharsets.UTF_8));
    Path obj = objects.resolve(md5.substring(0, 2)).resolve(md5.substring(2));
    Files.delete(obj);
    if (how.equals("replace")) {
      // gone, then another object in the same folder: the folder's mtime moves either way
      Files.writeString(objects.resolve(md5.substring(0, 2)).resolve("0".repeat(30)), "other");
    }
    assertThat(changes()).containsEntry("tree", DataState.NOT_IN_CACHE);
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 2L, 3L})
  void symlinkLoopsInSubfoldersAreSkipped(long seed) throws Exception {
    Random r = new Random(seed);
    int n = 5 + r.nextInt(20);
    for (int i = 0; i < n; i++) {
      write("tree/s" + r.nextInt(4) + "/f" + i, "x" + i);
    }
    DataVersion plain = data.hash(Path.of("tree"));
    Files.createDirectories(ws.resolve("tree/s9/deeper"));
    // to the walk's root from two levels down, and to a top folder's own parent
    Files.createSymbolicLink(ws.resolve("tree/s9/deeper/up"), Path.of("../.."));
    Files.createSymbolicLink(ws.resolve("tree/self"), Path.of("."));
    DataVersion looped = data.hash(Path.of("tree"));
    assertThat(looped).as("seed %d", seed).isEqualTo(plain);
  }
}
