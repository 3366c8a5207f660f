package dev.mlops.versioning.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

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
