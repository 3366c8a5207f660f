package dev.mlops.versioning.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** YAML read into nodes that remember their line (for errors naming file and line), and written. */
final class Yaml {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  static final YAMLMapper WRITER =
      YAMLMapper.builder(YAMLFactory.builder().stringQuotingChecker(new Quoting()).build())
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

  /**
   * Plain scalars that a YAML 1.1 (PyYAML, ruamel in 1.1 mode) or 1.2 (ruamel, which DVC uses)
   * loader would read as something other than a string: int, float, bool, null, timestamp, merge
   * and value keys. The patterns are those loaders' implicit resolvers, joined.
   */
  private static final java.util.regex.Pattern NON_STRING =
      java.util.regex.Pattern.compile(
          String.join(
              "|",
              // ints: binary, octal (1.1 017, 1.2 0o17), decimal, hex, sexagesimal (1.1)
              "[-+]?0b[0-1_]+",
              "[-+]?0o?[0-7_]+",
              "[-+]?[0-9_]+",
              "[-+]?0x[0-9a-fA-F_]+",
              "[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
              // floats (1.1 and 1.2 forms), sexagesimal floats, inf, nan
              "[-+]?(?:[0-9][0-9_]*)(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?",
              "[-+]?\\.[0-9_]+(?:[eE][-+]?[0-9]+)?",
              "[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*",
              "[-+]?\\.(?:inf|Inf|INF)",
              "\\.(?:nan|NaN|NAN)",
              // bools (1.1 includes y/n/yes/no/on/off), nulls
              "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
              "~|null|Null|NULL",
              // timestamps (date, or date and time), merge and value keys
              "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+).*)?",
              "<<",
              "="));

  /** Jackson's quoting, plus quotes for every plain scalar a YAML loader would not read back. */
  private static final class Quoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || NON_STRING.matcher(value).matches();
    }
  }

  /** A value ({@code Map<String, Node>}, {@code List<Node>}, String, Number, Boolean or null). */
  record Node(Object value, int line) {
    @SuppressWarnings("unchecked")
    Map<String, Node> map() {
      return value instanceof Map ? (Map<String, Node>) value : null;
    }

    @SuppressWarnings("unchecked")
    List<Node> list() {
      return value instanceof List ? (List<Node>) value : null;
    }

    String text() {
      return value == null || value instanceof Map || value instanceof List
          ? null
          : String.valueOf(value);
    }
  }

  private Yaml() {}

  /** Parses a YAML document; syntax errors name the file and line. */
  static Node parse(Path file, byte[] bytes) {
    try (JsonParser p = FACTORY.createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Node(null, 1);
      }
      return read(p);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw error(file, line, firstLine(e.getOriginalMessage()), "valid YAML");
    } catch (IOException e) {
      throw error(file, 0, e.getMessage(), "readable YAML");
    }
  }

  static InvalidInputException error(Path file, int line, Object value, String expected) {
    return new InvalidInputException(file + (line > 0 ? ":" + line : ""), value, expected);
  }

  private static Node read(JsonParser p) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Node> m = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            m.put(name, read(p));
          }
          return new Node(m, line);
        }
      case START_ARRAY:
        {
          List<Node> l = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            l.add(read(p));
          }
          return new Node(l, line);
        }
      case VALUE_NUMBER_INT:
        return new Node(p.getNumberValue(), line);
      case VALUE_NUMBER_FLOAT:
        return new Node(p.getDoubleValue(), line);
      case VALUE_TRUE:
        return new Node(true, line);
      case VALUE_FALSE:
        return new Node(false, line);
      case VALUE_NULL:
        return new Node(null, line);
      default:
        return new Node(p.getText(), line);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }
}
