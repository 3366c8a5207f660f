package dev.mlops.spi;

import java.util.Comparator;

/**
 * Text as the Python tools we share files with see it: strings ordered by code point (Python's
 * {@code str} comparison, which DVC's manifests and lock files and Evidently's tie-breaks use) and
 * strings written as {@code json.dumps} (ensure_ascii) writes them, which DVC hashes. For module
 * implementations. Thread-safe (stateless).
 */
public final class PythonText {
  /** Code-point order, as Python compares strings. */
  public static final Comparator<String> CODE_POINT_ORDER = PythonText::compareCodePoints;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonText() {}

  /**
   * Compares by Unicode code point. {@link String#compareTo} compares UTF-16 units instead, which
   * puts a character beyond U+FFFF before U+E000..U+FFFF.
   */
  public static int compareCodePoints(String a, String b) {
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

  /** Code-point comparison from index {@code k}, where both strings first differ. */
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

  /**
   * Appends {@code s} as Python's {@code json.dumps} (ensure_ascii) writes a string: quote,
   * backslash and the usual control characters escaped with a backslash, every other character
   * outside space..~ as a u-escape with four lowercase hex digits (UTF-16 units, so a character
   * beyond the BMP is a surrogate pair, as in Python).
   */
  public static void appendJsonString(StringBuilder sb, String s) {
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
            sb.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
