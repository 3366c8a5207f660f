package dev.mlops.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.StoreException;
import dev.mlops.registry.Lineage;
import dev.mlops.registry.ModelSignature;
import dev.mlops.versioning.DataVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON forms of the values the registry keeps in text columns. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode registry data as JSON: " + e.getMessage(), e);
    }
  }

  static Map<String, Object> readMap(String json) {
    try {
      return MAPPER.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt JSON in the registry database: " + e.getMessage(), e);
    }
  }

  static Set<String> aliases(String json) {
    if (json == null || json.equals("[]")) {
      return Set.of();
    }
    try {
      return Set.copyOf(MAPPER.readValue(json, new TypeReference<List<String>>() {}));
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt aliases in the registry database: " + e.getMessage(), e);
    }
  }

  static Map<String, String> tags(String json) {
    if (json == null || json.equals("{}")) {
      return Map.of();
    }
    try {
      return Map.copyOf(MAPPER.readValue(json, new TypeReference<Map<String, String>>() {}));
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt tags in the registry database: " + e.getMessage(), e);
    }
  }

  static String lineage(Lineage l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", l.runId());
    m.put("experimentId", l.experimentId());
    m.put("gitCommit", l.gitCommit());
    m.put("source", l.source());
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (DataVersion d : l.inputs()) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("path", d.path());
      i.put("md5", d.md5());
      i.put("size", d.size());
      i.put("nfiles", d.nfiles());
      inputs.add(i);
    }
    m.put("inputs", inputs);
    m.put("params", l.params());
    m.put("metrics", l.metrics());
    return write(m);
  }

  @SuppressWarnings("unchecked")
  static Lineage lineage(String json) {
    Map<String, Object> m = readMap(json);
    List<DataVersion> inputs = new ArrayList<>();
    for (Map<String, Object> i : (List<Map<String, Object>>) m.getOrDefault("inputs", List.of())) {
      Object nfiles = i.get("nfiles");
      inputs.add(
          new DataVersion(
              (String) i.get("path"),
              (String) i.get("md5"),
              ((Number) i.get("size")).longValue(),
              nfiles == null ? null : ((Number) nfiles).intValue()));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    ((Map<String, Object>) m.getOrDefault("metrics", Map.of()))
        .forEach(
            (k, v) -> metrics.put(k, v instanceof Number ? ((Number) v).doubleValue() : nan(v)));
    return new Lineage(
        (String) m.get("runId"),
        (String) m.get("experimentId"),
        (String) m.get("gitCommit"),
        (String) m.get("source"),
        inputs,
        (Map<String, String>) m.getOrDefault("params", Map.of()),
        metrics);
  }

  private static double nan(Object v) {
    // Jackson writes NaN/Infinity as strings unless told otherwise
    return v == null ? Double.NaN : Double.parseDouble(String.valueOf(v));
  }

  static String signature(ModelSignature s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inputs", columns(s.inputs()));
    m.put("outputs", columns(s.outputs()));
    return write(m);
  }

  private static List<Map<String, String>> columns(List<ModelSignature.Column> cols) {
    List<Map<String, String>> out = new ArrayList<>();
    for (ModelSignature.Column c : cols) {
      out.add(Map.of("name", c.name(), "type", c.type()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static ModelSignature signature(String json) {
    Map<String, Object> m = readMap(json);
    return new ModelSignature(
        parseColumns((List<Map<String, String>>) m.get("inputs")),
        parseColumns((List<Map<String, String>>) m.getOrDefault("outputs", List.of())));
  }

  private static List<ModelSignature.Column> parseColumns(List<Map<String, String>> cols) {
    List<ModelSignature.Column> out = new ArrayList<>();
    for (Map<String, String> c : cols) {
      out.add(new ModelSignature.Column(c.get("name"), c.get("type")));
    }
    return out;
  }
}
