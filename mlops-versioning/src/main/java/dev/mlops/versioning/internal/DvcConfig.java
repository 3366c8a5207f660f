package dev.mlops.versioning.internal;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a DVC repo's {@code .dvc/config} (and {@code config.local}, which wins) that we use:
 * remotes ({@code ['remote "name"'] url}), {@code core.remote}, {@code cache.dir}, {@code
 * cache.type}. Immutable.
 *
 * @param sections section name (e.g. {@code core}, {@code remote "origin"}) to key/value
 */
public record DvcConfig(Map<String, Map<String, String>> sections) {
  private static final Pattern SECTION =
      Pattern.compile("^\\[\\s*(['\"]?)(.*?)\\1\\s*]\\s*(?:#.*)?$");
  private static final Pattern REMOTE = Pattern.compile("^remote\\s+\"(.+)\"$");

  /** An empty configuration. */
  public static DvcConfig empty() {
    return new DvcConfig(Map.of());
  }

  /** Reads {@code <dvcDir>/config} then {@code config.local}; missing files are empty. */
  public static DvcConfig read(Path dvcDir) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String name : List.of("config", "config.local")) {
      Path f = dvcDir.resolve(name);
      if (Files.isRegularFile(f)) {
        parseInto(f, out);
      }
    }
    return new DvcConfig(out);
  }

  static void parseInto(Path file, Map<String, Map<String, String>> out) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new dev.mlops.StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String section = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      Matcher s = SECTION.matcher(line);
      if (s.matches()) {
        section = s.group(2).trim();
        out.computeIfAbsent(section, k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0 || section == null) {
        throw new InvalidInputException(
            file + ":" + (i + 1), line, "'[section]' or 'key = value' (DVC config syntax)");
      }
      String key = line.substring(0, eq).trim();
      String value = unquote(line.substring(eq + 1).trim());
      out.get(section).put(key, value);
    }
  }

  /**
   * A value as configobj (which DVC uses) reads it: a quoted value is what is between the quotes;
   * an unquoted one ends at the first {@code #} (an inline comment), trimmed.
   */
  static String unquote(String v) {
    if (!v.isEmpty() && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
      int end = v.indexOf(v.charAt(0), 1);
      if (end > 0) {
        String rest = v.substring(end + 1).trim();
        if (rest.isEmpty() || rest.startsWith("#")) {
          return v.substring(1, end);
        }
      }
    }
    int hash = v.indexOf('#');
    return hash < 0 ? v : v.substring(0, hash).trim();
  }

  /** A value, e.g. {@code get("core", "remote")}. */
  public Optional<String> get(String section, String key) {
    Map<String, String> s = sections.get(section);
    return Optional.ofNullable(s == null ? null : s.get(key));
  }

  /** Remote name to url, in file order. */
  public Map<String, String> remotes() {
    Map<String, String> out = new LinkedHashMap<>();
    sections.forEach(
        (name, kv) -> {
          Matcher m = REMOTE.matcher(name);
          if (m.matches() && kv.containsKey("url")) {
            out.put(m.group(1), kv.get("url"));
          }
        });
    return out;
  }
}
