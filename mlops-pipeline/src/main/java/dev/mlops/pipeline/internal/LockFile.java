package dev.mlops.pipeline.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mlops.StoreException;
import dev.mlops.spi.PythonText;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code dvc.lock} in DVC's schema 2.0 and key order: per stage {@code cmd}, {@code deps}, {@code
 * params}, {@code outs}; deps and outs sorted by path with {@code path, hash, md5, size, nfiles};
 * params grouped per file with {@code params.yaml} first, keys sorted; empty sections omitted.
 */
final class LockFile {
  static final String SCHEMA = "2.0";
  private static final java.util.regex.Pattern SIMPLE_DOUBLE_QUOTED =
      java.util.regex.Pattern.compile(
          "(?m)(^\\s*(?:- )?(?:[^\\s\"'#:][^:\\n]*: )?)\"([^\"'\\\\\\n]*)\"$");

  private LockFile() {}

  /** The stage entries of a lock file, in file order; empty when the file does not exist. */
  static Map<String, Map<String, Object>> read(Path file) {
    if (!Files.exists(file)) {
      return new LinkedHashMap<>();
    }
    Yaml.Doc doc;
    try {
      doc = Yaml.read(file, false);
    } catch (RuntimeException e) {
      throw new StoreException("cannot read lock file " + file + ": " + e.getMessage(), e);
    }
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (doc.root() == null) {
      return out;
    }
    if (!(doc.root() instanceof Map)) {
      throw new StoreException("lock file " + file + " is not a map: restore or delete it");
    }
    Map<?, ?> root = (Map<?, ?>) doc.root();
    Object schema = root.get("schema");
    if (schema != null && !SCHEMA.equals(String.valueOf(schema))) {
      throw new StoreException(
          "lock file " + file + " has schema '" + schema + "'; only '2.0' (DVC 2/3) is supported");
    }
    Object stages = root.get("stages");
    if (stages instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) stages).entrySet()) {
        if (e.getValue() instanceof Map) {
          Map<String, Object> entry = new LinkedHashMap<>();
          ((Map<?, ?>) e.getValue()).forEach((k, v) -> entry.put(String.valueOf(k), v));
          out.put(String.valueOf(e.getKey()), entry);
        }
      }
    }
    return out;
  }

  /** Serializes a whole lock file. */
  static String render(Map<String, Map<String, Object>> stages) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema", SCHEMA);
    root.put("stages", stages);
    try {
      // ruamel (DVC) single-quotes strings that would read as another type; Jackson double-quotes
      return SIMPLE_DOUBLE_QUOTED
          .matcher(Yaml.Mappers.YAML.writeValueAsString(root))
          .replaceAll("$1'$2'");
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot serialize dvc.lock: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes a lock file atomically: temp file in the same folder, fsync, rename, fsync folder. */
  static void write(Path file, Map<String, Map<String, Object>> stages) {
    writeAtomically(file, render(stages).getBytes(StandardCharsets.UTF_8));
  }

  static void writeAtomically(Path file, byte[] bytes) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        dir.resolve(
            "."
                + file.getFileName()
                + ".tmp"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot open a folder for fsync; the rename itself is atomic
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * One hashed dep or out as DVC writes it; {@code abs} is where it is now, for DVC's {@code
   * isexec: true} on an executable file.
   */
  static Map<String, Object> hashed(String path, DataVersion v, Path abs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("hash", "md5");
    m.put("md5", v.md5());
    m.put("size", v.size());
    if (v.nfiles() != null) {
      m.put("nfiles", v.nfiles());
    }
    if (!v.isDirectory() && isExecutable(abs)) {
      m.put("isexec", true);
    }
    return m;
  }

  /** Any execute bit, as dvc-data's {@code is_exec(mode)}; false where POSIX modes are unknown. */
  private static boolean isExecutable(Path abs) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(abs);
      return perms.contains(PosixFilePermission.OWNER_EXECUTE)
          || perms.contains(PosixFilePermission.GROUP_EXECUTE)
          || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  /**
   * A stage entry in DVC order.
   *
   * @param cmd a String or a List of String
   * @param params file -> (key -> value)
   */
  static Map<String, Object> entry(
      Object cmd,
      List<Map<String, Object>> deps,
      Map<String, Map<String, Object>> params,
      List<Map<String, Object>> outs) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("cmd", cmd);
    if (!deps.isEmpty()) {
      e.put("deps", sortByPath(deps));
    }
    if (!params.isEmpty()) {
      Map<String, Object> p = new LinkedHashMap<>();
      if (params.containsKey("params.yaml")) {
        p.put("params.yaml", new TreeMap<>(params.get("params.yaml")));
      }
      new TreeMap<>(params)
          .forEach(
              (file, values) -> {
                if (!file.equals("params.yaml")) {
                  p.put(file, new TreeMap<>(values));
                }
              });
      e.put("params", p);
    }
    if (!outs.isEmpty()) {
      e.put("outs", sortByPath(outs));
    }
    return e;
  }

  private static List<Map<String, Object>> sortByPath(List<Map<String, Object>> items) {
    List<Map<String, Object>> l = new ArrayList<>(items);
    l.sort(Comparator.comparing(m -> String.valueOf(m.get("path")), PythonText.CODE_POINT_ORDER));
    return l;
  }
}
