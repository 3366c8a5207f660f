package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.Mlops;
import dev.mlops.versioning.DataState;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random folder trees with non-ASCII and astral names. */
class TreePropertyTest {
  private static final String[] PIECES = {
    "a",
    "B",
    "z",
    "0",
    "_",
    "-",
    " ",
    ".",
    "é",
    "ü",
    "ß",
    "日本",
    "\uFF21",
    "\uE000",
    "\uD834\uDD1E",
    "\uD83D\uDE00",
    "\u00A0",
    "~",
    "'",
    "\"",
    "\\",
    "#",
    "Ω",
    "\u007F"
  };

  @TempDir Path tmp;

  static String randomName(Random r) {
    while (true) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(4);
      for (int i = 0; i < n; i++) {
        sb.append(PIECES[r.nextInt(PIECES.length)]);
      }
      String s = sb.toString();
      if (!s.equals(".")
          && !s.equals("..")
          && !s.equals(".git")
          && !s.equals(".dvc")
          && !s.endsWith(".dvc")) {
        return s;
      }
    }
  }

  static Map<String, byte[]> randomTree(Random r, Path root) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    int n = 1 + r.nextInt(40);
    List<String> dirs = new ArrayList<>(List.of(""));
    for (int i = 0; i < n; i++) {
      if (r.nextInt(4) == 0) {
        String parent = dirs.get(r.nextInt(dirs.size()));
        dirs.add(parent.isEmpty() ? randomName(r) : parent + "/" + randomName(r));
        continue;
      }
      String dir = dirs.get(r.nextInt(dirs.size()));
      String rel = dir.isEmpty() ? randomName(r) : dir + "/" + randomName(r);
      if (files.containsKey(rel)
          || dirs.contains(rel)
          || files.keySet().stream().anyMatch(f -> rel.startsWith(f + "/"))
          || dirs.stream().anyMatch(d -> !d.isEmpty() && files.containsKey(d))) {
        continue;
      }
      byte[] content;
      if (r.nextBoolean()) {
        content = ("line\r\n" + r.nextInt()).repeat(r.nextInt(5)).getBytes(StandardCharsets.UTF_8);
      } else {
        content = new byte[r.nextInt(3000)];
        r.nextBytes(content);
      }
      Path p = root.resolve(rel);
      if (Files.isDirectory(p)) {
        continue;
      }
      Files.createDirectories(p.getParent());
      Files.write(p, content);
      files.put(rel, content);
    }
    if (files.isEmpty()) {
      Files.createDirectories(root);
      Files.write(root.resolve("only"), new byte[] {1});
      files.put("only", new byte[] {1});
    }
    return files;
  }

  static Map<String, byte[]> readTree(Path root) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    try (var s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          out.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void addDeleteCheckoutRestoresIdenticalBytes(long seed) throws Exception {
    Random r = new Random(seed);
    Path ws = tmp.resolve("ws");
    Map<String, byte[]> files = randomTree(r, ws.resolve("tree"));
    String linkType = seed % 3 == 0 ? "hardlink" : seed % 3 == 1 ? "symlink,copy" : null;
    try (Mlops m = VersioningTestBase.open(ws, linkType)) {
      DataVersioning data = m.data();
      DataVersion v = data.add(Path.of("tree"));
      assertThat(v.nfiles()).as("seed %d", seed).isEqualTo(files.size());
      assertThat(v.size())
          .as("seed %d", seed)
          .isEqualTo(files.values().stream().mapToLong(b -> b.length).sum());
      assertThat(data.status().clean()).as("seed %d", seed).isTrue();
      // the manifest oid equals an independent computation from the files
      assertThat(v.md5()).as("seed %d", seed).isEqualTo(independentOid(files));

      PipelineContractTest.deleteTree(ws.resolve("tree"));
      assertThat(data.status().changes())
          .as("seed %d", seed)
          .containsEntry("tree", DataState.DELETED);
      data.checkout(Path.of("tree.dvc"));
      Map<String, byte[]> back = readTree(ws.resolve("tree"));
      assertThat(back.keySet()).as("seed %d", seed).isEqualTo(new TreeMap<>(files).keySet());
      for (var e : files.entrySet()) {
        assertThat(back.get(e.getKey()))
            .as("seed %d file %s", seed, e.getKey())
            .isEqualTo(e.getValue());
      }
      assertThat(data.status().clean()).as("seed %d", seed).isTrue();
      assertThat(data.hash(Path.of("tree"))).as("seed %d", seed).isEqualTo(v);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void manifestSerializationMatchesAnIndependentImplementation(long seed) throws Exception {
    Random r = new Random(seed);
    List<Manifest.Entry> entries = new ArrayList<>();
    Map<String, String> byPath = new HashMap<>();
    int n = r.nextInt(60);
    for (int i = 0; i < n; i++) {
      StringBuilder rel = new StringBuilder();
      int parts = 1 + r.nextInt(3);
      for (int k = 0; k < parts; k++) {
        if (k > 0) {
          rel.append('/');
        }
        rel.append(randomName(r));
        if (r.nextInt(5) == 0) {
          rel.appendCodePoint(1 + r.nextInt(0x1f) + (r.nextBoolean() ? 0 : 0x10000));
        }
      }
      byte[] md = new byte[16];
      r.nextBytes(md);
      String md5 = Hashing.hex(md);
      if (byPath.putIfAbsent(rel.toString(), md5) == null) {
        entries.add(new Manifest.Entry(rel.toString(), md5, 1));
      }
    }
    java.util.Collections.shuffle(entries, r);
    byte[] ours = Manifest.of(entries).serialize();
    assertThat(new String(ours, StandardCharsets.UTF_8))
        .as("seed %d", seed)
        .isEqualTo(independentJson(byPath));
    assertThat(Manifest.parse(ours).entries()).as("seed %d", seed).hasSize(byPath.size());
  }

  /** Python's json.dumps(sort_keys=True) of [{"md5", "relpath"}] sorted by code points. */
  static String independentJson(Map<String, String> byPath) {
    List<int[]> keys = new ArrayList<>();
    Map<String, String> lookup = new HashMap<>();
    for (String p : byPath.keySet()) {
      keys.add(p.codePoints().toArray());
      lookup.put(
          new String(p.codePoints().toArray(), 0, p.codePoints().toArray().length), byPath.get(p));
    }
    keys.sort(Arrays::compare);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < keys.size(); i++) {
      String p = new String(keys.get(i), 0, keys.get(i).length);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append("{\"md5\": \"").append(lookup.get(p)).append("\", \"relpath\": \"");
      for (int cp : keys.get(i)) {
        if (cp == '"' || cp == '\\') {
          sb.append('\\').append((char) cp);
        } else if (cp == '\n') {
          sb.append("\\n");
        } else if (cp == '\r') {
          sb.append("\\r");
        } else if (cp == '\t') {
          sb.append("\\t");
        } else if (cp == 8) {
          sb.append("\\b");
        } else if (cp == 12) {
          sb.append("\\f");
        } else if (cp >= 0x20 && cp < 0x7f) {
          sb.append((char) cp);
        } else if (cp < 0x10000) {
          sb.append(String.format("\\u%04x", cp));
        } else {
          int v = cp - 0x10000;
          sb.append(String.format("\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)));
        }
      }
      sb.append("\"}");
    }
    return sb.append(']').toString();
  }

  static String independentOid(Map<String, byte[]> files) throws Exception {
    Map<String, String> byPath = new HashMap<>();
    for (var e : files.entrySet()) {
      byPath.put(
          e.getKey(),
          Hashing.hex(java.security.MessageDigest.getInstance("MD5").digest(e.getValue())));
    }
    byte[] json = independentJson(byPath).getBytes(StandardCharsets.UTF_8);
    return Hashing.hex(java.security.MessageDigest.getInstance("MD5").digest(json)) + ".dir";
  }
}
