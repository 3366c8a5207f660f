package dev.mlops.pipeline.internal;

import dev.mlops.StoreException;
import dev.mlops.spi.PythonText;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Content hashes of deps and outs, DVC-style (MD5 of bytes; {@code .dir} manifests for folders),
 * and the cache. Goes through {@link DataVersioning} when it is on the classpath (hashing, commit,
 * run-cache restore); otherwise hashes locally and caches nothing. A file whose size, mtime and
 * inode are unchanged is not re-hashed in this process. Thread-safe.
 */
final class Hashing {
  private record Stat(long size, long mtimeNanos, Object key, DataVersion version) {}

  private final DataVersioning data;
  private final Map<Path, Stat> stats = new ConcurrentHashMap<>();

  Hashing(Optional<DataVersioning> data) {
    this.data = data.orElse(null);
  }

  /** Whether outputs can be cached and restored (versioning present). */
  boolean caching() {
    return data != null;
  }

  /** The version of an existing file or folder; empty if it does not exist. */
  Optional<DataVersion> hash(Path abs) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(abs, BasicFileAttributes.class);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (a.isDirectory()) {
      return Optional.of(data != null ? data.hash(abs) : localDir(abs));
    }
    long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    Stat s = stats.get(abs);
    if (s != null
        && s.size == a.size()
        && s.mtimeNanos == mtime
        && Objects.equals(s.key, a.fileKey())) {
      return Optional.of(s.version);
    }
    DataVersion v =
        data != null ? data.hash(abs) : new DataVersion(abs.toString(), md5(abs), a.size(), null);
    stats.put(abs, new Stat(a.size(), mtime, a.fileKey(), v));
    return Optional.of(v);
  }

  /** Hashes and (with versioning) caches an output. */
  DataVersion commit(Path abs) {
    if (data == null) {
      return hash(abs).orElseThrow(() -> new StoreException("output " + abs + " does not exist"));
    }
    return data.commit(abs);
  }

  boolean isCached(DataVersion v) {
    return data != null && data.isCached(v);
  }

  void restore(DataVersion v, Path target) {
    if (data == null) {
      throw new StoreException("cannot restore " + target + ": mlops-versioning is not present");
    }
    data.restore(v, target);
    stats.remove(target);
  }

  static String md5(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("MD5");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new StoreException("cannot hash " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private DataVersion localDir(Path dir) {
    List<String[]> entries = new ArrayList<>();
    long[] size = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(p))
          .forEach(
              p -> {
                DataVersion v = hash(p).orElseThrow();
                size[0] += v.size();
                entries.add(
                    new String[] {v.md5(), dir.relativize(p).toString().replace('\\', '/')});
              });
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    entries.sort((a, b) -> PythonText.compareCodePoints(a[1], b[1]));
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append("{\"md5\": ");
      pyString(sb, entries.get(i)[0]);
      sb.append(", \"relpath\": ");
      pyString(sb, entries.get(i)[1]);
      sb.append('}');
    }
    sb.append(']');
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      String md5 =
          HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
      return new DataVersion(dir.toString(), md5 + ".dir", size[0], entries.size());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Python json.dumps string escaping with ensure_ascii. */
  private static void pyString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20 || c > 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
