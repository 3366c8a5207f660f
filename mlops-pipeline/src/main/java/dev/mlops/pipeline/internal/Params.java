package dev.mlops.pipeline.internal;

import dev.mlops.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Params files (YAML or JSON) and dotted-key lookup ({@code train.lr}, {@code layers[0].n}). */
final class Params {
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)\\]");

  /** Marks a key that is absent (a present key may hold null). */
  static final Object MISSING = new Object();

  private Params() {}

  /** The parsed content of a params file, or empty if the file does not exist. */
  static Optional<Object> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
      throw new InvalidInputException(
          "params file", file.toString(), "a YAML or JSON file (.yaml, .yml, .json)");
    }
    Object root = Yaml.read(file).root();
    return Optional.of(root == null ? Map.of() : root);
  }

  /** The value at a dotted key, or {@link #MISSING}. */
  static Object lookup(Object root, String key) {
    Object cur = root;
    Matcher m = SEGMENT.matcher(key);
    int pos = 0;
    while (pos < key.length()) {
      if (key.charAt(pos) == '.') {
        pos++;
        continue;
      }
      if (!m.find(pos) || m.start() != pos) {
        return MISSING;
      }
      if (m.group(1) != null && cur instanceof List && m.group(1).matches("\\d+")) {
        List<?> list = (List<?>) cur;
        int i = Integer.parseInt(m.group(1));
        if (i >= list.size()) {
          return MISSING;
        }
        cur = list.get(i);
      } else if (m.group(1) != null) {
        if (!(cur instanceof Map)) {
          return MISSING;
        }
        Map<?, ?> map = (Map<?, ?>) cur;
        if (!map.containsKey(m.group(1))) {
          return MISSING;
        }
        cur = map.get(m.group(1));
      } else {
        if (!(cur instanceof List)) {
          return MISSING;
        }
        List<?> list = (List<?>) cur;
        int i = Integer.parseInt(m.group(2));
        if (i >= list.size()) {
          return MISSING;
        }
        cur = list.get(i);
      }
      pos = m.end();
    }
    return cur;
  }
}
