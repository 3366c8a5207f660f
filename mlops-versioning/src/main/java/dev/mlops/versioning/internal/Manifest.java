package dev.mlops.versioning.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  public static final Comparator<String> CODE_POINT_ORDER = Manifest::compareCodePoints;

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
      if (compareCodePoints(entries.get(i - 1).relpath(), entries.get(i).relpath()) > 0) {
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
      pyJsonString(sb, e.md5());
      sb.append(", \"relpath\": ");
      pyJsonString(sb, e.relpath());
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

  /** Appends {@code s} as Python's {@code json.dumps} (ensure_ascii) writes a string. */
  static void pyJsonString(StringBuilder sb, String s) {
    sb.append('"');
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
    }
    if (plain) {
      sb.append(s).append('"');
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            // UTF-16 code units are exactly Python's \\uXXXX escapes, surrogate pairs included
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int k = 0; k < n; k++) {
      char ca = a.charAt(k);
      char cb = b.charAt(k);
      if (ca != cb) {
        if (!Character.isSurrogate(ca) && !Character.isSurrogate(cb)) {
          // below the surrogates, and above them, UTF-16 order is code-point order
          return Integer.compare(ca, cb);
        }
        return compareFrom(a, b, k);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** Code-point comparison from index {@code k}, which starts a code point in both strings. */
  private static int compareFrom(String a, String b, int k) {
    // step back if k splits a surrogate pair (equal high surrogates before it)
    if (k > 0 && Character.isHighSurrogate(a.charAt(k - 1))) {
      k--;
    }
    int i = k;
    int j = k;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
