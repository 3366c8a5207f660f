package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.ParamsDependency;
import dev.mlops.pipeline.Stage;
import dev.mlops.versioning.DataVersion;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
    return paramValues(w, s, missing, Params::readFile);
  }

  private static Map<String, Map<String, Object>> paramValues(
      Where w, Stage s, List<String> missing, Function<Path, Optional<Object>> read) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (ParamsDependency pd : s.params()) {
      Optional<Object> content = read.apply(w.abs(pd.file()));
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
    Planned ps = Planned.of(base, s, new HashMap<>());
    return reasons(ps, lock == null ? null : LockView.of(ps, lock), new Probe(hashing, ps.slots));
  }

  /**
   * Why a planned stage is stale, against its lock entry seen through {@code lv} (null when the
   * stage is not in dvc.lock), looking at the workspace through {@code probe}.
   */
  List<String> reasons(Planned ps, LockView lv, Probe probe) {
    Stage s = ps.stage;
    List<String> reasons = new ArrayList<>(0);
    if (s.frozen()) {
      return reasons;
    }
    if (s.alwaysChanged() || isCallback(s)) {
      reasons.add("always changed");
    }
    if (lv == null) {
      reasons.add("new stage (not in dvc.lock)");
      return reasons;
    }
    if (lv.cmdChanged) {
      reasons.add("cmd changed");
    }
    List<String> deps = s.deps();
    for (int i = 0; i < deps.size(); i++) {
      Optional<DataVersion> v = probe.hash(ps.depSlots[i], ps.depPaths[i]);
      if (v.isEmpty()) {
        reasons.add("dep " + deps.get(i) + " missing");
        continue;
      }
      String recorded = lv.depMd5[i];
      if (recorded == null || !v.get().md5().equals(recorded)) {
        reasons.add("dep " + deps.get(i) + " changed");
      }
    }
    if (!s.params().isEmpty()) {
      paramReasons(ps, lv.params, probe, reasons);
    }
    List<Output> outs = s.outputs();
    for (int i = 0; i < outs.size(); i++) {
      Output o = outs.get(i);
      Optional<DataVersion> v = probe.hash(ps.outSlots[i], ps.outPaths[i]);
      if (v.isEmpty()) {
        reasons.add("out " + o.path() + " missing");
        continue;
      }
      String recorded = lv.outMd5[i];
      if (recorded == null || !v.get().md5().equals(recorded)) {
        reasons.add("out " + o.path() + " changed");
      } else if (o.cache() && hashing.caching() && !probe.isCached(v.get())) {
        reasons.add("out " + o.path() + " not in cache");
      }
    }
    return reasons;
  }

  /**
   * DVC's "callback" stage: a command with no deps, no params and no outs is always changed, so it
   * runs on every repro ({@code Stage.is_callback} in dvc/stage/__init__.py).
   */
  static boolean isCallback(Stage s) {
    return s.deps().isEmpty() && s.params().isEmpty() && s.outputs().isEmpty();
  }

  private static void paramReasons(
      Planned ps, Map<?, ?> lockParams, Probe probe, List<String> reasons) {
    Stage s = ps.stage;
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, Object>> current = paramValues(ps.where, s, missing, probe::params);
    reasons.addAll(missing);
    for (ParamsDependency pd : s.params()) {
      Map<String, Object> now = current.getOrDefault(pd.file(), Map.of());
      Map<?, ?> then =
          lockParams.get(pd.file()) instanceof Map
              ? (Map<?, ?>) lockParams.get(pd.file())
              : Map.of();
      String prefix = pd.file().equals(ParamsDependency.DEFAULT_FILE) ? "" : pd.file() + ":";
      if (pd.wholeFile() && now.isEmpty() && !lockParams.containsKey(pd.file())) {
        // DVC: a params dep with no values in dvc.lock is "new", even for an empty file
        if (!missing.contains("params file " + pd.file() + " missing")) {
          reasons.add("params file " + pd.file() + " new");
        }
        continue;
      }
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
  }

  /**
   * A stage with its dep and out paths resolved once: absolute paths, and each path's slot in a
   * table shared by the stages of one pipeline (a path used by several stages has one slot).
   * Immutable.
   */
  static final class Planned {
    private final Stage stage;
    private final Where where;
    private final Path[] depPaths;
    private final int[] depSlots;
    private final Path[] outPaths;
    private final int[] outSlots;
    private final int slots;

    private Planned(
        Stage stage,
        Where where,
        Path[] depPaths,
        int[] depSlots,
        Path[] outPaths,
        int[] outSlots,
        int slots) {
      this.stage = stage;
      this.where = where;
      this.depPaths = depPaths;
      this.depSlots = depSlots;
      this.outPaths = outPaths;
      this.outSlots = outSlots;
      this.slots = slots;
    }

    Stage stage() {
      return stage;
    }

    Where where() {
      return where;
    }

    /** Slots in the path table once this stage was added. */
    int slots() {
      return slots;
    }

    Path depPath(int i) {
      return depPaths[i];
    }

    int depSlot(int i) {
      return depSlots[i];
    }

    /**
     * @param slotOf the pipeline's path table, extended with this stage's paths
     */
    static Planned of(Path base, Stage s, Map<Path, Integer> slotOf) {
      Where w = Detector.where(base, s);
      Path[] depPaths = new Path[s.deps().size()];
      int[] depSlots = new int[depPaths.length];
      for (int i = 0; i < depPaths.length; i++) {
        depPaths[i] = w.abs(s.deps().get(i));
        depSlots[i] = slotOf.computeIfAbsent(depPaths[i], k -> slotOf.size());
      }
      Path[] outPaths = new Path[s.outputs().size()];
      int[] outSlots = new int[outPaths.length];
      for (int i = 0; i < outPaths.length; i++) {
        outPaths[i] = w.abs(s.outputs().get(i).path());
        outSlots[i] = slotOf.computeIfAbsent(outPaths[i], k -> slotOf.size());
      }
      return new Planned(s, w, depPaths, depSlots, outPaths, outSlots, slotOf.size());
    }
  }

  /**
   * A lock entry as the checks of one planned stage need it: whether the cmd differs, the recorded
   * md5 of each dep and out (null when not recorded). A recorded dep the stage no longer declares
   * does not make it stale, as in DVC (only the declared deps are checked). Immutable.
   */
  static final class LockView {
    private final boolean cmdChanged;
    private final String[] depMd5;
    private final Map<?, ?> params;
    private final String[] outMd5;

    private LockView(boolean cmdChanged, String[] depMd5, Map<?, ?> params, String[] outMd5) {
      this.cmdChanged = cmdChanged;
      this.depMd5 = depMd5;
      this.params = params;
      this.outMd5 = outMd5;
    }

    static LockView of(Planned ps, Map<String, Object> lock) {
      Stage s = ps.stage;
      Map<String, Map<?, ?>> lockDeps = byPath(lock.get("deps"));
      String[] depMd5 = new String[s.deps().size()];
      for (int i = 0; i < depMd5.length; i++) {
        Map<?, ?> recorded = lockDeps.get(s.deps().get(i));
        depMd5[i] = recorded == null ? null : String.valueOf(recorded.get("md5"));
      }
      Map<String, Map<?, ?>> lockOuts = byPath(lock.get("outs"));
      String[] outMd5 = new String[s.outputs().size()];
      for (int i = 0; i < outMd5.length; i++) {
        Map<?, ?> recorded = lockOuts.get(s.outputs().get(i).path());
        outMd5[i] = recorded == null ? null : String.valueOf(recorded.get("md5"));
      }
      return new LockView(
          !s.identity().equals(lockCmd(lock.get("cmd"))),
          depMd5,
          lock.get("params") instanceof Map ? (Map<?, ?>) lock.get("params") : Map.of(),
          outMd5);
    }
  }

  /**
   * The workspace as one change check sees it: each path is hashed (stat'd) at most once and each
   * cache object looked up at most once, so a path that is an out of one stage and a dep of another
   * costs one stat. Params files go through {@code params} (a cache validated by stat) when given.
   * Not thread-safe: one per check.
   */
  static final class Probe {
    private final Hashing hashing;
    private final ParamsCache params;
    private final Object[] hashes;
    private final Map<String, Boolean> cached = new HashMap<>();

    Probe(Hashing hashing, int slots) {
      this(hashing, slots, null);
    }

    Probe(Hashing hashing, int slots, ParamsCache params) {
      this.hashing = hashing;
      this.params = params;
      this.hashes = new Object[slots];
    }

    @SuppressWarnings("unchecked")
    Optional<DataVersion> hash(int slot, Path abs) {
      Object h = hashes[slot];
      if (h == null) {
        h = hashing.hash(abs);
        hashes[slot] = h;
      }
      return (Optional<DataVersion>) h;
    }

    /** Whether the path exists, from this check's stat of it when there was one. */
    boolean exists(int slot, Path abs) {
      Object h = hashes[slot];
      return h != null ? ((Optional<?>) h).isPresent() : Files.exists(abs);
    }

    boolean isCached(DataVersion v) {
      Boolean c = cached.get(v.md5());
      if (c == null) {
        c = hashing.isCached(v);
        cached.put(v.md5(), c);
      }
      return c;
    }

    Optional<Object> params(Path file) {
      return params != null ? params.read(file) : Params.readFile(file);
    }
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
      deps.add(LockFile.hashed(dep, v, w.abs(dep)));
    }
    List<String> missing = new ArrayList<>();
    Map<String, Map<String, Object>> params = paramValues(w, s, missing);
    // an empty whole-file dep stays, as DVC writes it ({@code other.yaml: {}})
    for (ParamsDependency pd : s.params()) {
      if (!pd.wholeFile() && params.getOrDefault(pd.file(), Map.of()).isEmpty()) {
        params.remove(pd.file());
      }
    }
    List<Map<String, Object>> outs = new ArrayList<>();
    for (Output o : s.outputs()) {
      DataVersion v = outVersions.get(o.path());
      if (v != null) {
        outs.add(LockFile.hashed(o.path(), v, w.abs(o.path())));
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
    Map<String, Map<?, ?>> m = new HashMap<>();
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
