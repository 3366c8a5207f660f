package dev.mlops.pipeline.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** YAML/JSON reading into plain maps, lists and scalars, with the line of every key. */
final class Yaml {
  static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .build();

  /**
   * The object mappers, in a holder class so that reading (streaming only) does not load and set up
   * databind: a cold {@code status} only reads.
   */
  static final class Mappers {
    /** Writes floats as ruamel (DVC) does: Python's repr, {@code .nan}, {@code .inf}. */
    static final ObjectMapper YAML =
        new ObjectMapper(FACTORY)
            .registerModule(
                new com.fasterxml.jackson.databind.module.SimpleModule("python-floats")
                    .addSerializer(Double.class, new PythonFloatSerializer())
                    .addSerializer(Double.TYPE, new PythonFloatSerializer())
                    .addSerializer(Float.class, new PythonFloatSerializer()));

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private Mappers() {}
  }

  /**
   * A float as ruamel.yaml represents it in dvc.lock: {@code repr(value).lower()} ({@code 1e-05},
   * {@code 10000000000.0}, {@code 1e+16}), {@code .nan}, {@code .inf}, {@code -.inf}.
   */
  static final class PythonFloatSerializer
      extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Number> {
    private static final long serialVersionUID = 1L;

    PythonFloatSerializer() {
      super(Number.class);
    }

    @Override
    public void serialize(
        Number value,
        com.fasterxml.jackson.core.JsonGenerator gen,
        com.fasterxml.jackson.databind.SerializerProvider provider)
        throws IOException {
      double d = value.doubleValue();
      if (Double.isNaN(d)) {
        gen.writeNumber(".nan");
      } else if (Double.isInfinite(d)) {
        gen.writeNumber(d > 0 ? ".inf" : "-.inf");
      } else {
        gen.writeNumber(pythonFloat(d));
      }
    }
  }

  /** A parsed document and the 1-based line of each key, by path ("stages/train/cmd"). */
  record Doc(Path file, Object root, Map<String, Integer> lines) {
    int line(String path) {
      return lines.getOrDefault(path, 0);
    }

    InvalidInputException error(String path, Object value, String expected) {
      int line = line(path);
      return new InvalidInputException(
          file + (line > 0 ? ":" + line : "") + " " + path.replace('/', '.'), value, expected);
    }
  }

  private static final java.util.Set<String> YAML12_BOOLEANS =
      java.util.Set.of("true", "True", "TRUE", "false", "False", "FALSE");

  private Yaml() {}

  static Doc read(Path file) {
    return read(file, true);
  }

  /** Reads a file; without {@code lines}, key lines are not recorded (faster, for lock files). */
  static Doc read(Path file, boolean lines) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no such file: " + file);
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(file, text, lines);
  }

  static Doc parse(Path file, String text) {
    return parse(file, text, true);
  }

  static Doc parse(Path file, String text, boolean trackLines) {
    Map<String, Integer> lines = trackLines ? new HashMap<>() : null;
    try (Reader r = new java.io.StringReader(text);
        JsonParser p = FACTORY.createParser(r)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Doc(file, null, lines == null ? Map.of() : lines);
      }
      Object root = value(p, "", lines, file);
      return new Doc(file, root, lines == null ? Map.of() : lines);
    } catch (IOException e) {
      throw new InvalidInputException(
          String.valueOf(file), firstLine(e.getMessage()), "valid YAML", e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static Object value(JsonParser p, String path, Map<String, Integer> lines, Path file)
      throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Object> m = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String child = lines == null ? "" : path.isEmpty() ? key : path + "/" + key;
            if (m.containsKey(key)) {
              int line = p.currentTokenLocation().getLineNr();
              throw new InvalidInputException(
                  file
                      + ":"
                      + line
                      + " "
                      + (path.isEmpty() ? key : path + "/" + key).replace('/', '.'),
                  key,
                  "each key once");
            }
            if (lines != null) {
              lines.put(child, p.currentTokenLocation().getLineNr());
            }
            p.nextToken();
            m.put(key, value(p, child, lines, file));
          }
          return m;
        }
      case START_ARRAY:
        {
          List<Object> l = new ArrayList<>();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            String child = lines == null ? "" : path + "[" + i++ + "]";
            if (lines != null) {
              lines.put(child, p.currentTokenLocation().getLineNr());
            }
            l.add(value(p, child, lines, file));
          }
          return l;
        }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        {
          Number n = p.getNumberValue();
          if (n instanceof BigInteger) {
            BigInteger b = (BigInteger) n;
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
          }
          return n;
        }
      case VALUE_NUMBER_FLOAT:
        {
          Double special = specialFloat(p.getText());
          if (special != null) {
            return special;
          }
          Number n = p.getNumberValue();
          return n instanceof BigDecimal ? n.doubleValue() : n;
        }
      case VALUE_TRUE:
      case VALUE_FALSE:
        {
          // DVC reads YAML 1.2 (ruamel): yes/no/on/off/y/n are strings there, not booleans
          String text = p.getText();
          if (text != null && !YAML12_BOOLEANS.contains(text)) {
            return text;
          }
          return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : Boolean.FALSE;
        }
      case VALUE_NULL:
        return null;
      default:
        return p.getText();
    }
  }

  private static final java.util.regex.Pattern INF =
      java.util.regex.Pattern.compile("[-+]?\\.(?:inf|Inf|INF)");
  private static final java.util.regex.Pattern NAN =
      java.util.regex.Pattern.compile("\\.(?:nan|NaN|NAN)");

  /** YAML's {@code .inf}, {@code -.inf}, {@code .nan} (which Jackson's number parsing rejects). */
  private static Double specialFloat(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (INF.matcher(text).matches()) {
      return text.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return NAN.matcher(text).matches() ? Double.NaN : null;
  }

  /** Python-like text of a scalar, as DVC interpolates it. */
  static String str(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean) {
      return ((Boolean) v) ? "true" : "false";
    }
    if (v instanceof Double || v instanceof Float) {
      return pythonFloat(((Number) v).doubleValue());
    }
    if (v instanceof Map || v instanceof List) {
      try {
        return Mappers.JSON.writeValueAsString(v);
      } catch (IOException e) {
        return String.valueOf(v);
      }
    }
    return String.valueOf(v);
  }

  /**
   * Python's {@code repr} of a float: the shortest digits that read back to the same double (JDK
   * 17's {@code Double.toString} is not always shortest), fixed notation for decimal exponents -4
   * to 15 (with {@code .0} when integral), otherwise {@code 1.5e+20} style.
   */
  static String pythonFloat(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal r = exact;
    for (int digits = 1; digits <= 17; digits++) {
      r = exact.round(new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        break;
      }
    }
    r = r.stripTrailingZeros();
    String digits = r.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - r.scale();
    String sign = d < 0 ? "-" : "";
    if (exp >= -4 && exp < 16) {
      String plain = r.abs().toPlainString();
      return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }
    String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    int ae = Math.abs(exp);
    return sign + mant + "e" + (exp < 0 ? "-" : "+") + (ae < 10 ? "0" : "") + ae;
  }
}
