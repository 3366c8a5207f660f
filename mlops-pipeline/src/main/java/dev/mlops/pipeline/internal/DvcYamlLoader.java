package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.ParamsDependency;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineLoader;
import dev.mlops.pipeline.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code dvc.yaml} (DVC's schema: stages, vars, {@code ${}} interpolation, foreach/do,
 * matrix) into a {@link Pipeline}. Registered as the {@link PipelineLoader} service. Thread-safe.
 */
public final class DvcYamlLoader implements PipelineLoader {
  private static final Set<String> TOP =
      Set.of("stages", "vars", "params", "metrics", "plots", "artifacts", "datasets");
  private static final Set<String> STAGE =
      Set.of(
          "cmd",
          "wdir",
          "deps",
          "params",
          "outs",
          "metrics",
          "plots",
          "frozen",
          "always_changed",
          "meta",
          "desc",
          "vars");
  private static final Set<String> OUT_FLAGS = Set.of("cache", "persist", "remote", "push", "desc");
  private static final Set<String> PLOT_FLAGS =
      Set.of("x", "y", "template", "title", "x_label", "y_label", "header");

  @Override
  public Pipeline load(Path dvcYaml) {
    Path file = dvcYaml.toAbsolutePath().normalize();
    Yaml.Doc doc = Yaml.read(file);
    Path dir = file.getParent();
    String name = dir.getFileName() == null ? "pipeline" : dir.getFileName().toString();
    return load(doc, name);
  }

  /** Parses an already-read document (used by tests). */
  static Pipeline load(Yaml.Doc doc, String name) {
    Path dir = doc.file().getParent();
    if (!(doc.root() instanceof Map)) {
      throw doc.error("", doc.root() == null ? "empty file" : doc.root(), "a map with 'stages'");
    }
    Map<?, ?> root = (Map<?, ?>) doc.root();
    for (Object k : root.keySet()) {
      if (!TOP.contains(String.valueOf(k))) {
        throw doc.error(String.valueOf(k), k, "a top-level key of dvc.yaml: " + sorted(TOP));
      }
    }
    Vars globals = new Vars(doc);
    globals.loadFile(dir, ParamsDependency.DEFAULT_FILE, null, true, "vars");
    globals.loadAll(root.get("vars"), dir, "vars");
    Object stagesNode = root.get("stages");
    if (!(stagesNode instanceof Map) || ((Map<?, ?>) stagesNode).isEmpty()) {
      throw doc.error("stages", stagesNode, "a map of stage name to definition");
    }
    Pipeline.Builder b = Pipeline.builder(name).dir(dir).source(doc.file());
    for (Map.Entry<?, ?> e : ((Map<?, ?>) stagesNode).entrySet()) {
      String stageName = String.valueOf(e.getKey());
      String path = "stages/" + stageName;
      if (!(e.getValue() instanceof Map)) {
        throw doc.error(path, e.getValue(), "a stage definition (a map with cmd, deps, outs...)");
      }
      Map<?, ?> def = (Map<?, ?>) e.getValue();
      if (def.containsKey("foreach")) {
        expandForeach(doc, b, globals, dir, stageName, path, def);
      } else if (def.containsKey("matrix")) {
        expandMatrix(doc, b, globals, dir, stageName, path, def);
      } else {
        addStage(doc, b, globals, dir, stageName, path, def, Map.of());
      }
    }
    return b.build();
  }

  private static void expandForeach(
      Yaml.Doc doc,
      Pipeline.Builder b,
      Vars globals,
      Path dir,
      String stageName,
      String path,
      Map<?, ?> def) {
    for (Object k : def.keySet()) {
      if (!k.equals("foreach") && !k.equals("do")) {
        throw doc.error(path + "/" + k, k, "only 'foreach' and 'do' in a foreach stage");
      }
    }
    if (!(def.get("do") instanceof Map)) {
      throw doc.error(path + "/do", def.get("do"), "a stage definition under 'do'");
    }
    Map<?, ?> body = (Map<?, ?>) def.get("do");
    Object items = def.get("foreach");
    if (items instanceof String) {
      items = new Interpolator(doc, globals, Map.of(), path + "/foreach").value((String) items);
    }
    if (items instanceof List) {
      List<?> list = (List<?>) items;
      // as DVC: one map or list among the items makes every name use the index
      boolean scalars = list.stream().noneMatch(o -> o instanceof Map || o instanceof List);
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        String suffix = scalars ? Yaml.str(item) : String.valueOf(i);
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("item", item);
        addStage(doc, b, globals, dir, stageName + "@" + suffix, path + "/do", body, local);
      }
    } else if (items instanceof Map) {
      for (Map.Entry<?, ?> it : ((Map<?, ?>) items).entrySet()) {
        Map<String, Object> local = new LinkedHashMap<>();
        local.put("key", String.valueOf(it.getKey()));
        local.put("item", it.getValue());
        addStage(doc, b, globals, dir, stageName + "@" + it.getKey(), path + "/do", body, local);
      }
    } else {
      throw doc.error(path + "/foreach", items, "a list, a map, or ${var} naming one");
    }
  }

  private static void expandMatrix(
      Yaml.Doc doc,
      Pipeline.Builder b,
      Vars globals,
      Path dir,
      String stageName,
      String path,
      Map<?, ?> def) {
    if (!(def.get("matrix") instanceof Map) || ((Map<?, ?>) def.get("matrix")).isEmpty()) {
      throw doc.error(path + "/matrix", def.get("matrix"), "a map of name to list of values");
    }
    Map<String, List<?>> axes = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) def.get("matrix")).entrySet()) {
      Object v = e.getValue();
      String p = path + "/matrix/" + e.getKey();
      if (v instanceof String) {
        v = new Interpolator(doc, globals, Map.of(), p).value((String) v);
      }
      if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
        throw doc.error(p, v, "a non-empty list (or ${var} naming one)");
      }
      axes.put(String.valueOf(e.getKey()), (List<?>) v);
    }
    Map<Object, Object> body = new LinkedHashMap<>(def);
    body.remove("matrix");
    List<String> keys = new ArrayList<>(axes.keySet());
    int[] idx = new int[keys.size()];
    while (true) {
      Map<String, Object> item = new LinkedHashMap<>();
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        Object v = axes.get(keys.get(k)).get(idx[k]);
        item.put(keys.get(k), v);
        boolean scalar = !(v instanceof Map || v instanceof List);
        parts.add(scalar ? Yaml.str(v) : keys.get(k) + idx[k]);
      }
      String suffix = String.join("-", parts);
      Map<String, Object> local = new LinkedHashMap<>();
      local.put("item", item);
      local.put("key", suffix);
      addStage(doc, b, globals, dir, stageName + "@" + suffix, path, body, local);
      int k = keys.size() - 1;
      while (k >= 0 && ++idx[k] == axes.get(keys.get(k)).size()) {
        idx[k] = 0;
        k--;
      }
      if (k < 0) {
        return;
      }
    }
  }

  private static void addStage(
      Yaml.Doc doc,
      Pipeline.Builder b,
      Vars globals,
      Path dir,
      String stageName,
      String path,
      Map<?, ?> def,
      Map<String, Object> local) {
    for (Object k : def.keySet()) {
      if (!STAGE.contains(String.valueOf(k))) {
        throw doc.error(path + "/" + k, k, "a stage key: " + sorted(STAGE));
      }
    }
    Vars vars = globals;
    if (def.get("vars") != null) {
      vars = globals.copy();
      Object wdirRaw = def.get("wdir");
      Path wdir = wdirRaw == null ? dir : dir.resolve(String.valueOf(wdirRaw));
      vars.loadAll(def.get("vars"), wdir, path + "/vars");
    }
    Interpolator in = new Interpolator(doc, vars, local, path);
    Map<?, ?> d = (Map<?, ?>) in.deep(stripVars(def), path);
    if (!d.containsKey("cmd") || d.get("cmd") == null) {
      throw doc.error(path, stageName, "a 'cmd' in stage " + stageName);
    }
    b.stage(
        stageName,
        s -> {
          Object cmd = d.get("cmd");
          if (cmd instanceof List) {
            List<String> cmds = new ArrayList<>();
            for (Object c : (List<?>) cmd) {
              cmds.add(Yaml.str(c));
            }
            s.cmd(cmds);
          } else {
            s.cmd(Yaml.str(cmd));
          }
          if (d.get("wdir") != null) {
            s.wdir(Yaml.str(d.get("wdir")));
          }
          for (String dep : strings(doc, d.get("deps"), path + "/deps")) {
            s.deps(dep);
          }
          params(doc, s, d.get("params"), path + "/params");
          Path wdirAbs =
              d.get("wdir") == null ? dir : dir.resolve(Yaml.str(d.get("wdir"))).normalize();
          in.trackedParams()
              .forEach(
                  (file, keys) ->
                      s.paramsFrom(
                          Vars.relative(wdirAbs, dir.resolve(file)), keys.toArray(new String[0])));
          outputs(doc, s, d.get("outs"), path + "/outs", Output.Kind.OUT);
          outputs(doc, s, d.get("metrics"), path + "/metrics", Output.Kind.METRIC);
          outputs(doc, s, d.get("plots"), path + "/plots", Output.Kind.PLOT);
          s.frozen(bool(doc, d.get("frozen"), path + "/frozen"));
          s.alwaysChanged(bool(doc, d.get("always_changed"), path + "/always_changed"));
          if (d.get("desc") != null) {
            s.desc(Yaml.str(d.get("desc")));
          }
        });
  }

  private static Map<Object, Object> stripVars(Map<?, ?> def) {
    Map<Object, Object> m = new LinkedHashMap<>(def);
    m.remove("vars");
    return m;
  }

  private static boolean bool(Yaml.Doc doc, Object v, String path) {
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean)) {
      throw doc.error(path, v, "true or false");
    }
    return (Boolean) v;
  }

  private static List<String> strings(Yaml.Doc doc, Object v, String path) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw doc.error(path, v, "a list of paths");
    }
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      if (o instanceof Map || o instanceof List || o == null) {
        throw doc.error(path, o, "a path");
      }
      out.add(Yaml.str(o));
    }
    return out;
  }

  private static void params(Yaml.Doc doc, Stage.Builder s, Object v, String path) {
    if (v == null) {
      return;
    }
    if (!(v instanceof List)) {
      throw doc.error(path, v, "a list of keys or {file: [keys]}");
    }
    int i = 0;
    for (Object item : (List<?>) v) {
      String p = path + "[" + i++ + "]";
      if (item instanceof Map) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
          String file = String.valueOf(e.getKey());
          if (e.getValue() == null || "".equals(e.getValue())) {
            s.paramsFrom(file);
          } else {
            s.paramsFrom(file, strings(doc, e.getValue(), p).toArray(new String[0]));
          }
        }
      } else if (item instanceof List || item == null) {
        throw doc.error(p, item, "a key or {file: [keys]}");
      } else {
        s.params(Yaml.str(item));
      }
    }
  }

  private static void outputs(
      Yaml.Doc doc, Stage.Builder s, Object v, String path, Output.Kind kind) {
    if (v == null) {
      return;
    }
    if (!(v instanceof List)) {
      throw doc.error(path, v, "a list of paths or {path: {flags}}");
    }
    int i = 0;
    for (Object item : (List<?>) v) {
      String p = path + "[" + i++ + "]";
      if (item instanceof Map) {
        Map<?, ?> m = (Map<?, ?>) item;
        if (m.size() != 1) {
          throw doc.error(p, item, "one path with its flags: {path: {cache: false}}");
        }
        Map.Entry<?, ?> e = m.entrySet().iterator().next();
        boolean cache = true;
        boolean persist = false;
        if (e.getValue() != null && !"".equals(e.getValue())) {
          if (!(e.getValue() instanceof Map)) {
            throw doc.error(p, e.getValue(), "a map of flags (cache, persist, ...)");
          }
          for (Map.Entry<?, ?> f : ((Map<?, ?>) e.getValue()).entrySet()) {
            String flag = String.valueOf(f.getKey());
            boolean ok =
                OUT_FLAGS.contains(flag) || (kind == Output.Kind.PLOT && PLOT_FLAGS.contains(flag));
            if (!ok) {
              Set<String> allowed = new LinkedHashSet<>(OUT_FLAGS);
              if (kind == Output.Kind.PLOT) {
                allowed.addAll(PLOT_FLAGS);
              }
              throw doc.error(p + "/" + e.getKey() + "/" + flag, flag, "a flag: " + allowed);
            }
          }
          Map<?, ?> flags = (Map<?, ?>) e.getValue();
          cache = flags.get("cache") == null || bool(doc, flags.get("cache"), p + "/cache");
          persist = bool(doc, flags.get("persist"), p + "/persist");
        }
        s.output(new Output(String.valueOf(e.getKey()), kind, cache, persist));
      } else if (item == null || item instanceof List) {
        throw doc.error(p, item, "a path");
      } else {
        s.output(new Output(Yaml.str(item), kind, true, false));
      }
    }
  }

  private static String sorted(Set<String> s) {
    return String.join(", ", new java.util.TreeSet<>(s));
  }

  /** Values visible to {@code ${}}: each top-level key with the params file it came from. */
  static final class Vars {
    final Yaml.Doc doc;
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, String> sources = new LinkedHashMap<>();

    Vars(Yaml.Doc doc) {
      this.doc = doc;
    }

    Vars copy() {
      Vars v = new Vars(doc);
      v.values.putAll(values);
      v.sources.putAll(sources);
      return v;
    }

    void loadAll(Object list, Path dir, String path) {
      if (list == null) {
        return;
      }
      if (!(list instanceof List)) {
        throw doc.error(path, list, "a list of params files and maps");
      }
      int i = 0;
      for (Object item : (List<?>) list) {
        String p = path + "[" + i++ + "]";
        if (item instanceof Map) {
          for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
            put(String.valueOf(e.getKey()), e.getValue(), null, p);
          }
        } else if (item instanceof String) {
          String spec = (String) item;
          int colon = spec.indexOf(':');
          String file = colon < 0 ? spec : spec.substring(0, colon);
          List<String> keys = colon < 0 ? null : List.of(spec.substring(colon + 1).split(","));
          if (file.equals(ParamsDependency.DEFAULT_FILE)
              && keys == null
              && dir.equals(doc.file().getParent())) {
            continue; // already loaded first
          }
          loadFile(dir, file, keys, false, p);
        } else {
          throw doc.error(p, item, "a params file path or a map");
        }
      }
    }

    void loadFile(Path dir, String file, List<String> keys, boolean optional, String path) {
      Optional<Object> content = Params.readFile(dir.resolve(file));
      if (content.isEmpty()) {
        if (optional) {
          return;
        }
        throw doc.error(path, file, "an existing params file (relative to " + dir + ")");
      }
      if (!(content.get() instanceof Map)) {
        throw doc.error(path, file, "a params file holding a map");
      }
      Map<?, ?> m = (Map<?, ?>) content.get();
      String rel = relative(doc.file().getParent(), dir.resolve(file));
      if (keys == null) {
        m.forEach((k, v) -> put(String.valueOf(k), v, rel, path));
      } else {
        for (String k : keys) {
          Object v = Params.lookup(m, k.trim());
          if (v == Params.MISSING) {
            throw doc.error(path, k, "a key present in " + file);
          }
          put(k.trim(), v, rel, path);
        }
      }
    }

    private void put(String key, Object value, String source, String path) {
      if (values.containsKey(key)) {
        Object old = values.get(key);
        if (old instanceof Map && value instanceof Map) {
          values.put(key, merge(key, (Map<?, ?>) old, (Map<?, ?>) value, path));
          return;
        }
        if (java.util.Objects.equals(old, value)
            && java.util.Objects.equals(sources.get(key), source)) {
          return;
        }
        throw doc.error(path, key, "each vars key defined once (it is already set)");
      }
      values.put(key, value);
      if (source != null) {
        sources.put(key, source);
      }
    }

    private Map<String, Object> merge(String key, Map<?, ?> a, Map<?, ?> b, String path) {
      Map<String, Object> m = new LinkedHashMap<>();
      a.forEach((k, v) -> m.put(String.valueOf(k), v));
      for (Map.Entry<?, ?> e : b.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (m.containsKey(k)) {
          if (m.get(k) instanceof Map && e.getValue() instanceof Map) {
            m.put(k, merge(key + "." + k, (Map<?, ?>) m.get(k), (Map<?, ?>) e.getValue(), path));
          } else {
            throw doc.error(path, key + "." + k, "each vars key defined once (it collides)");
          }
        } else {
          m.put(k, e.getValue());
        }
      }
      return m;
    }

    static String relative(Path base, Path file) {
      return base.relativize(file.normalize()).toString().replace('\\', '/');
    }
  }
}
