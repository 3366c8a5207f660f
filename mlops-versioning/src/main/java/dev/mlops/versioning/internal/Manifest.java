package dev.mlops.versioning.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.spi.PythonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DVC {@code .dir} manifest: the files of a folder version, sorted by relpath in code-point
 * order, serialized exactly like Python's {@code json.dumps(entries, sort_keys=True)}. Immutable.
 */
public final class Manifest {
  /** One file of a folder. {@code size} is -1 when unknown (read back from a manifest). */
  public record Entry(String relpath, String md5, long size) {}

  /** Orders strings by Unicode code point, as Python compares {@code str}. */
  public static final Comparator<String> CODE_POINT_ORDER = PythonText.CODE_POINT_ORDER;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Entry> entries;
  private volatile Map<String, Entry> byPath;
  private volatile byte[] serialized;
  private volatile String oid;

  private Manifest(List<Entry> sorted) {
    this.entries = Collections.unmodifiableList(sorted);
  }

  /** A manifest of the given entries (any order). */
  public static Manifest of(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    if (!isSorted(sorted)) {
      sorted.sort(Comparator.comparing(Entry::relpath, CODE_POINT_ORDER));
    }
    return new Manifest(sorted);
  }

  private static boolean isSorted(List<Entry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      if (PythonText.compareCodePoints(entries.get(i - 1).relpath(), entries.get(i).relpath())
          > 0) {
        return false;
      }
    }
    return true;
  }

  /** Entries sorted by relpath in code-point order. */
  public List<Entry> entries() {
    return entries;
  }

  /** The entry for a relpath. */
  public Optional<Entry> entry(String relpath) {
    Map<String, Entry> m = byPath;
    if (m == null) {
      m = new LinkedHashMap<>();
      for (Entry e : entries) {
        m.put(e.relpath(), e);
      }
      byPath = m;
    }
    return Optional.ofNullable(m.get(relpath));
  }

  /** Sum of entry sizes (entries with unknown size count 0). */
  public long size() {
    long s = 0;
    for (Entry e : entries) {
      s += Math.max(0, e.size());
    }
    return s;
  }

  /** The exact bytes DVC hashes and stores (a copy). */
  public byte[] serialize() {
    byte[] b = serialized;
    if (b == null) {
      b = render();
      serialized = b;
    }
    return b.clone();
  }

  private byte[] render() {
    StringBuilder sb = new StringBuilder(entries.size() * 80 + 2);
    sb.append('[');
    boolean first = true;
    for (Entry e : entries) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append("{\"md5\": ");
      PythonText.appendJsonString(sb, e.md5());
      sb.append(", \"relpath\": ");
      PythonText.appendJsonString(sb, e.relpath());
      sb.append('}');
    }
    sb.append(']');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The folder hash: MD5 of {@link #serialize()} plus {@code .dir}. */
  public String oid() {
    String o = oid;
    if (o == null) {
      o = Hashing.md5(serialize()) + ".dir";
      oid = o;
    }
    return o;
  }

  /**
   * Parses manifest bytes (DVC's plain or with-meta form).
   *
   * @throws IOException when they are not a JSON list of objects with {@code md5} and {@code
   *     relpath}
   */
  public static Manifest parse(byte[] bytes) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("a .dir manifest must be a JSON list");
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String md5 = null;
        String relpath = null;
        long size = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if ("md5".equals(name)) {
            md5 = p.getValueAsString();
          } else if ("relpath".equals(name)) {
            relpath = p.getValueAsString();
          } else if ("size".equals(name) && t == JsonToken.VALUE_NUMBER_INT) {
            size = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
        if (md5 == null || relpath == null || !Hashing.isMd5(md5)) {
          throw new IOException("a .dir manifest entry needs an md5 and a relpath");
        }
        if (!isSafeRelpath(relpath)) {
          throw new IOException("unsafe relpath in a .dir manifest: " + relpath);
        }
        out.add(new Entry(relpath, md5, size));
      }
    }
    return of(out);
  }

  /**
   * Whether a relpath stays inside its folder: relative, no empty, {@code .} or {@code ..} part.
   */
  static boolean isSafeRelpath(String relpath) {
    if (relpath.isEmpty() || relpath.indexOf('\0') >= 0) {
      return false;
    }
    int start = 0;
    while (true) {
      int end = relpath.indexOf('/', start);
      int stop = end < 0 ? relpath.length() : end;
      int len = stop - start;
      if (len == 0
          || (len == 1 && relpath.charAt(start) == '.')
          || (len == 2 && relpath.charAt(start) == '.' && relpath.charAt(start + 1) == '.')) {
        return false;
      }
      if (end < 0) {
        return true;
      }
      start = end + 1;
    }
  }
}
