package dev.mlops.pipeline.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DVC's dollar-brace interpolation: <code>${a}</code>, <code>${a.b}</code>, <code>${a.list[0]}
 * </code>; a string that is one whole <code>${...}</code> keeps the value's type; a backslash
 * before the dollar escapes; in {@code cmd} a map expands to {@code --key value} arguments. Records
 * which params-file keys were used. Not thread-safe.
 */
final class Interpolator {
  private final Yaml.Doc doc;
  private final DvcYamlLoader.Vars vars;
  private final Map<String, Object> local;
  private final String stagePath;
  private final Map<String, Set<String>> tracked = new LinkedHashMap<>();

  Interpolator(Yaml.Doc doc, DvcYamlLoader.Vars vars, Map<String, Object> local, String stagePath) {
    this.doc = doc;
    this.vars = vars;
    this.local = local;
    this.stagePath = stagePath;
  }

  /** Params-file keys referenced, by file (relative to the dvc.yaml folder). */
  Map<String, Set<String>> trackedParams() {
    return tracked;
  }

  /** Interpolates every string (and map key) in a tree. */
  Object deep(Object node, String path) {
    if (node instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        String key = String.valueOf(e.getKey());
        String child = path + "/" + key;
        Object k = key.contains("${") ? Yaml.str(string(key, child, false)) : key;
        out.put(k, deep(e.getValue(), child, key.equals("cmd") && path.equals(stagePath)));
      }
      return out;
    }
    return deep(node, path, false);
  }

  private Object deep(Object node, String path, boolean cmd) {
    if (node instanceof Map) {
      return deep(node, path);
    }
    if (node instanceof List) {
      List<Object> out = new ArrayList<>();
      int i = 0;
      for (Object o : (List<?>) node) {
        out.add(deep(o, path + "[" + i++ + "]", cmd));
      }
      return out;
    }
    if (node instanceof String) {
      return string((String) node, path, cmd);
    }
    return node;
  }

  /** A foreach/matrix source: a whole {@code ${...}} returns the value itself. */
  Object value(String s) {
    return string(s, stagePath, false);
  }

  private Object string(String s, String path, boolean cmd) {
    // only a string that is exactly one ${...} keeps the value's type (DVC's is_exact_string)
    if (s.startsWith("${")
        && s.endsWith("}")
        && s.indexOf("${", 2) < 0
        && s.indexOf('}') == s.length() - 1
        && !cmd) {
      return resolve(s.substring(2, s.length() - 1).strip(), path);
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("\\${", i)) {
        sb.append("${");
        i += 3;
        continue;
      }
      if (s.startsWith("${", i)) {
        int end = s.indexOf('}', i + 2);
        if (end < 0) {
          throw doc.error(path, s, "a closed ${...}");
        }
        Object v = resolve(s.substring(i + 2, end).strip(), path);
        if (v instanceof Map) {
          if (!cmd) {
            throw doc.error(path, s, "a scalar in ${...} here (maps expand only in cmd)");
          }
          sb.append(expandDict((Map<?, ?>) v, path, s));
        } else if (v instanceof List) {
          // DVC: "Cannot interpolate data of type 'list'" (only a map expands, and only in cmd)
          throw doc.error(
              path, s, "a scalar in ${...} (a list cannot be interpolated into a string)");
        } else {
          sb.append(Yaml.str(v));
        }
        i = end + 1;
        continue;
      }
      sb.append(s.charAt(i++));
    }
    return sb.toString();
  }

  /**
   * A map in {@code cmd} as DVC renders it ({@code to_str} in dvc/parsing/interpolate.py): nested
   * maps flattened to dotted keys, {@code --key value} per leaf, strings shell-quoted as Python's
   * {@code shlex.quote}, a true boolean as a bare flag, a false one omitted, a list as {@code --key
   * a b}, an empty list omitted.
   */
  private String expandDict(Map<?, ?> m, String path, String s) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", m, flat);
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : flat.entrySet()) {
      String flag = "--" + e.getKey();
      Object v = e.getValue();
      if (v instanceof Boolean) {
        if ((Boolean) v) {
          parts.add(flag);
        }
      } else if (v instanceof String) {
        parts.add(flag + " " + shellQuote((String) v));
      } else if (v instanceof Map) {
        continue; // an empty map: nothing, as iterating it in Python yields nothing
      } else if (v instanceof List) {
        List<String> items = new ArrayList<>();
        for (Object o : (List<?>) v) {
          if (o instanceof List || o instanceof Map) {
            throw doc.error(path, s, "no nested list or map in list '" + e.getKey() + "'");
          }
          items.add(o instanceof String ? shellQuote((String) o) : Yaml.str(o));
        }
        if (!items.isEmpty()) {
          parts.add(flag + " " + String.join(" ", items));
        }
      } else {
        parts.add(flag + " " + Yaml.str(v));
      }
    }
    return String.join(" ", parts);
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map && !((Map<?, ?>) e.getValue()).isEmpty()) {
        flatten(key + ".", (Map<?, ?>) e.getValue(), out);
      } else {
        out.put(key, e.getValue());
      }
    }
  }

  /** Python's {@code shlex.quote}. */
  static String shellQuote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    boolean safe = true;
    for (int i = 0; i < s.length() && safe; i++) {
      char c = s.charAt(i);
      safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "_@%+=:,./-".indexOf(c) >= 0;
    }
    return safe ? s : "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private Object resolve(String expr, String path) {
    if (expr.isEmpty()) {
      throw doc.error(path, "${}", "a name inside ${...}");
    }
    int end = 0;
    while (end < expr.length() && expr.charAt(end) != '.' && expr.charAt(end) != '[') {
      end++;
    }
    String top = expr.substring(0, end);
    Object root;
    String source = null;
    if (local.containsKey(top)) {
      root = local;
    } else if (vars.values.containsKey(top)) {
      root = vars.values;
      source = vars.sources.get(top);
    } else {
      throw doc.error(
          path,
          "${" + expr + "}",
          "a name defined in vars, params.yaml or foreach/matrix (known: "
              + new LinkedHashSet<>(union(local.keySet(), vars.values.keySet()))
              + ")");
    }
    Object v = Params.lookup(root, expr);
    if (v == Params.MISSING) {
      throw doc.error(path, "${" + expr + "}", "a key that exists in vars/params");
    }
    if (source != null) {
      tracked.computeIfAbsent(source, f -> new LinkedHashSet<>()).add(expr);
    }
    return v;
  }

  private static List<String> union(Set<String> a, Set<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }
}
