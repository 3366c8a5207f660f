package dev.mlops.pipeline.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mlops.StoreException;
import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.Stage;
import dev.mlops.spi.PythonText;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * DVC's run cache: {@code runs/<key[:2]>/<key>/<value>} holding a stage's lock entry, where key =
 * SHA-256 of the entry with outs reduced to their paths and value = SHA-256 of the full entry (both
 * without {@code size}/{@code nfiles}), over sorted-key JSON. Thread-safe.
 */
final class RunCache {
  private final Path root;

  RunCache(Path root) {
    this.root = root;
  }

  /** Whether DVC would use the run cache for this stage. */
  static boolean eligible(Stage s) {
    if (s.alwaysChanged() || s.deps().isEmpty() || s.outputs().isEmpty()) {
      return false;
    }
    for (Output o : s.outputs()) {
      if (o.persist() || !o.cache()) {
        return false;
      }
    }
    return true;
  }

  static String key(Map<String, Object> entry) {
    Map<String, Object> k = new LinkedHashMap<>(entry);
    List<Object> outs = new ArrayList<>();
    Object o = entry.get("outs");
    if (o instanceof List) {
      for (Object out : (List<?>) o) {
        outs.add(((Map<?, ?>) out).get("path"));
      }
    }
    k.put("outs", outs);
    return sha256(k);
  }

  static String value(Map<String, Object> entry) {
    return sha256(entry);
  }

  /** Saves a successful stage's entry. */
  void save(Map<String, Object> entry) {
    String key = key(entry);
    Path file = root.resolve(key.substring(0, 2)).resolve(key).resolve(value(entry));
    if (Files.exists(file)) {
      return;
    }
    try {
      LockFile.writeAtomically(file, Yaml.Mappers.YAML.writeValueAsBytes(entry));
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write run cache entry: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The newest cached entry for a stage about to run (its entry with outs not yet known), whose
   * outputs are all in the cache.
   */
  Optional<Map<String, Object>> find(Map<String, Object> partialEntry, Stage s, Hashing hashing) {
    Map<String, Object> probe = new LinkedHashMap<>(partialEntry);
    List<Map<String, Object>> outs = new ArrayList<>();
    for (Output o : s.outputs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", o.path());
      outs.add(m);
    }
    outs.sort(
        (a, b) -> PythonText.compareCodePoints((String) a.get("path"), (String) b.get("path")));
    probe.put("outs", outs);
    String key = key(probe);
    Path dir = root.resolve(key.substring(0, 2)).resolve(key);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> candidates;
    try (Stream<Path> l = Files.list(dir)) {
      candidates =
          new ArrayList<>(l.filter(p -> !p.getFileName().toString().startsWith(".")).toList());
    } catch (IOException e) {
      return Optional.empty();
    }
    candidates.sort(Comparator.comparing(RunCache::mtime).reversed());
    for (Path c : candidates) {
      Yaml.Doc doc;
      try {
        doc = Yaml.read(c);
      } catch (RuntimeException e) {
        continue;
      }
      if (!(doc.root() instanceof Map)) {
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      ((Map<?, ?>) doc.root()).forEach((k, v) -> entry.put(String.valueOf(k), v));
      if (allCached(entry, hashing)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  static List<DataVersion> outs(Map<String, Object> entry) {
    List<DataVersion> l = new ArrayList<>();
    Object o = entry.get("outs");
    if (o instanceof List) {
      for (Object out : (List<?>) o) {
        Map<?, ?> m = (Map<?, ?>) out;
        Object nfiles = m.get("nfiles");
        l.add(
            new DataVersion(
                String.valueOf(m.get("path")),
                String.valueOf(m.get("md5")),
                m.get("size") instanceof Number ? ((Number) m.get("size")).longValue() : 0L,
                nfiles instanceof Number ? ((Number) nfiles).intValue() : null));
      }
    }
    return l;
  }

  private static boolean allCached(Map<String, Object> entry, Hashing hashing) {
    List<DataVersion> outs = outs(entry);
    if (outs.isEmpty()) {
      return false;
    }
    for (DataVersion v : outs) {
      if (!hashing.isCached(v)) {
        return false;
      }
    }
    return true;
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String sha256(Map<String, Object> entry) {
    StringBuilder sb = new StringBuilder();
    json(sb, strip(entry));
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object strip(Object o) {
    if (o instanceof Map) {
      Map<String, Object> m = new TreeMap<>();
      ((Map<?, ?>) o)
          .forEach(
              (k, v) -> {
                String key = String.valueOf(k);
                if (!key.equals("size") && !key.equals("nfiles")) {
                  m.put(key, strip(v));
                }
              });
      return m;
    }
    if (o instanceof List) {
      List<Object> l = new ArrayList<>();
      ((List<?>) o).forEach(v -> l.add(strip(v)));
      return l;
    }
    return o;
  }

  /** Python json.dumps(sort_keys=True) rendering (keys already sorted). */
  private static void json(StringBuilder sb, Object o) {
    if (o instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        json(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        json(sb, e.getValue());
      }
      sb.append('}');
    } else if (o instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object v : (List<?>) o) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        json(sb, v);
      }
      sb.append(']');
    } else if (o instanceof String) {
      PythonText.appendJsonString(sb, (String) o);
    } else if (o == null) {
      sb.append("null");
    } else if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      sb.append(
          Double.isNaN(d)
              ? "NaN"
              : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Yaml.pythonFloat(d));
    } else {
      sb.append(String.valueOf(o));
    }
  }
}
