package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.ParamsDependency;
import dev.mlops.pipeline.Stage;
import dev.mlops.versioning.DataVersion;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a stage changed against its {@code dvc.lock} entry, as DVC does: cmd, then deps
 * and params, then outs. Also builds the lock entry of a stage from the workspace. Thread-safe.
 */
final class Detector {
  private final Hashing hashing;

  Detector(Hashing hashing) {
    this.hashing = hashing;
  }

  /** A stage's folders. */
  record Where(Path base, Path wdir) {
    Path abs(String path) {
      return wdir.resolve(path).normalize();
    }
  }

  static Where where(Path base, Stage s) {
    return new Where(base, base.resolve(s.wdir()).normalize());
  }

  /** The current values of a stage's params, by file then key; missing keys are left out. */
  static Map<String, Map<String, Object>> paramValues(Where w, Stage s, List<String> missing) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (ParamsDependency pd : s.params()) {
      Optional<Object> content = Params.readFile(w.abs(pd.file()));
      Map<String, Object> values = new LinkedHashMap<>();
      if (content.isEmpty()) {
        missing.add("params file " + pd.file() + " missing");
        out.put(pd.file(), values);
        continue;
      }
      if (pd.wholeFile()) {
        if (content.get() instanceof Map) {
          ((Map<?, ?>) content.get()).forEach((k, v) -> values.put(String.valueOf(k), v));
        }
      } else {
        for (String key : pd.keys()) {
          Object v = Params.lookup(content.get(), key);
          if (v == Params.MISSING) {
            missing.add("param " + key + " missing from " + pd.file());
          } else {
            values.put(key, v);
          }
        }
      }
      out.put(pd.file(), values);
    }
    return out;
  }

  /** Why a stage is stale; empty when up to date. Frozen stages are never stale. */
  List<String> reasons(Path base, Stage s, Map<String, Object> lock) {
    List<String> reasons = new ArrayList<>();
    if (s.frozen()) {
      return reasons;
    }
    if (s.alwaysChanged()) {
      reasons.add("always changed");
    }
    if (lock == null) {
      reasons.add("new stage (not in dvc.lock)");
      return reasons;
    }
    Where w = where(base, s);
    if (!s.identity().equals(lockCmd(lock.get("cmd")))) {
      reasons.add("cmd changed");
    }
    Map<String, Map<?, ?>> lockDeps = byPath(lock.get("deps"));
    for (String dep : s.deps()) {
      Optional<DataVersion> v = hashing.hash(w.abs(dep));
      if (v.isEmpty()) {
        reasons.add("dep " + dep + " missing");
        continue;
      }
      Map<?, ?> recorded = lockDeps.get(dep);
      if (recorded == null || !v.get().md5().equals(String.valueOf(recorded.get("md5")))) {
        reasons.add("dep " + dep + " changed");
      }
    }
    for (String recorded : lockDeps.keySet()) {
      if (!s.deps().contains(recorded)) {
        reasons.add("dep " + recorded + " removed");
      }
    }
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, Object>> current =
        s.params().isEmpty() ? Map.of() : paramValues(w, s, missing);
    reasons.addAll(missing);
    Map<?, ?> lockParams =
        lock.get("params") instanceof Map ? (Map<?, ?>) lock.get("params") : Map.of();
    for (ParamsDependency pd : s.params()) {
      Map<String, Object> now = current.getOrDefault(pd.file(), Map.of());
      Map<?, ?> then =
          lockParams.get(pd.file()) instanceof Map
              ? (Map<?, ?>) lockParams.get(pd.file())
              : Map.of();
      String prefix = pd.file().equals(ParamsDependency.DEFAULT_FILE) ? "" : pd.file() + ":";
      Set<String> keys = new java.util.LinkedHashSet<>(now.keySet());
      if (pd.wholeFile()) {
        then.keySet().forEach(k -> keys.add(String.valueOf(k)));
      }
      for (String k : keys) {
        if (!now.containsKey(k) && !pd.wholeFile()) {
          continue; // reported as missing
        }
        if (!then.containsKey(k) || !now.containsKey(k) || !same(now.get(k), then.get(k))) {
          reasons.add("param " + prefix + k + " changed");
        }
      }
    }
    Map<String, Map<?, ?>> lockOuts = byPath(lock.get("outs"));
    for (Output o : s.outputs()) {
      Optional<DataVersion> v = hashing.hash(w.abs(o.path()));
      if (v.isEmpty()) {
        reasons.add("out " + o.path() + " missing");
        continue;
      }
      Map<?, ?> recorded = lockOuts.get(o.path());
      if (recorded == null || !v.get().md5().equals(String.valueOf(recorded.get("md5")))) {
        reasons.add("out " + o.path() + " changed");
      } else if (o.cache() && hashing.caching() && !hashing.isCached(v.get())) {
        reasons.add("out " + o.path() + " not in cache");
      }
    }
    return reasons;
  }

  /** The lock entry of a stage as the workspace is now (deps, params and outs must exist). */
  Map<String, Object> entry(Path base, Stage s, Map<String, DataVersion> outVersions) {
    Where w = where(base, s);
    List<Map<String, Object>> deps = new ArrayList<>();
    for (String dep : s.deps()) {
      DataVersion v =
          hashing
              .hash(w.abs(dep))
              .orElseThrow(() -> new dev.mlops.StoreException("dep " + dep + " does not exist"));
      deps.add(LockFile.hashed(dep, v));
    }
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, Object>> params = paramValues(w, s, missing);
    params.values().removeIf(Map::isEmpty);
    List<Map<String, Object>> outs = new ArrayList<>();
    for (Output o : s.outputs()) {
      DataVersion v = outVersions.get(o.path());
      if (v != null) {
        outs.add(LockFile.hashed(o.path(), v));
      }
    }
    Object cmd = s.isJava() ? s.identity() : (s.cmdIsList() ? s.cmd() : s.cmd().get(0));
    return LockFile.entry(cmd, deps, params, outs);
  }

  static String lockCmd(Object cmd) {
    if (cmd instanceof List) {
      List<String> parts = new ArrayList<>();
      ((List<?>) cmd).forEach(c -> parts.add(String.valueOf(c)));
      return String.join("\n", parts);
    }
    return String.valueOf(cmd);
  }

  static Map<String, Map<?, ?>> byPath(Object list) {
    if (!(list instanceof List) || ((List<?>) list).isEmpty()) {
      return Map.of();
    }
    Map<String, Map<?, ?>> m = new java.util.HashMap<>();
    for (Object o : (List<?>) list) {
      if (o instanceof Map) {
        m.put(String.valueOf(((Map<?, ?>) o).get("path")), (Map<?, ?>) o);
      }
    }
    return m;
  }

  /** Equality as Python compares YAML values: 1 == 1.0, maps and lists element-wise. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number && b instanceof Number) {
      try {
        return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
      } catch (NumberFormatException e) {
        return a.equals(b);
      }
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> x = (Map<?, ?>) a;
      Map<?, ?> y = (Map<?, ?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return java.util.Objects.equals(a, b);
  }
}
