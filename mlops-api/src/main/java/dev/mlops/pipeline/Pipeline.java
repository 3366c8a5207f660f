package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A validated stage graph: stages, their deps and outputs, and the edges between them (stage B
 * depends on stage A when a dep of B is, contains or lies inside an output of A). Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.builder("churn")
 *     .stage("prepare", s -> s.cmd("python prepare.py").deps("prepare.py", "data/raw")
 *         .outs("data/prepared"))
 *     .stage("train", s -> s.run(ctx -> train(ctx)).deps("data/prepared").params("train.lr")
 *         .outs("model.bin").metrics("metrics.json"))
 *     .build();
 * Pipeline q = Pipeline.load(Path.of("dvc.yaml"));
 * }</pre>
 *
 * <p>Paths are relative to the pipeline's base folder: the workspace for a built pipeline (unless
 * {@link Builder#dir} sets one), the dvc.yaml's folder for a loaded one. The lock file is {@code
 * dvc.lock} in that folder.
 */
public final class Pipeline {
  private final String name;
  private final Path dir;
  private final Path source;
  private final Map<String, Stage> stages;
  private final Map<String, Set<String>> upstream;
  private final Map<String, Set<String>> downstream;
  private final List<String> order;

  private Pipeline(
      String name,
      Path dir,
      Path source,
      Map<String, Stage> stages,
      Map<String, Set<String>> upstream,
      List<String> order) {
    this.name = name;
    this.dir = dir;
    this.source = source;
    this.stages = Collections.unmodifiableMap(stages);
    Map<String, Set<String>> up = new LinkedHashMap<>();
    Map<String, Set<String>> down = new LinkedHashMap<>();
    for (String s : stages.keySet()) {
      down.put(s, new LinkedHashSet<>());
    }
    for (String s : order) {
      up.put(s, Collections.unmodifiableSet(upstream.get(s)));
      for (String u : upstream.get(s)) {
        down.get(u).add(s);
      }
    }
    down.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    this.upstream = Collections.unmodifiableMap(up);
    this.downstream = Collections.unmodifiableMap(down);
    this.order = List.copyOf(order);
  }

  /** Starts a pipeline declared in Java. */
  public static Builder builder(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("pipeline name", name, "a non-empty name, e.g. \"churn\"");
    }
    return new Builder(name);
  }

  /**
   * Loads a {@code dvc.yaml} (needs {@code mlops-pipeline} on the classpath, which parses it).
   *
   * @throws InvalidInputException naming the file, line and key of a bad entry, or a cycle, two
   *     stages with one output, an output inside another
   * @throws NotFoundException if the file does not exist
   */
  public static Pipeline load(Path dvcYaml) {
    Objects.requireNonNull(dvcYaml, "dvcYaml");
    for (ClassLoader cl :
        new ClassLoader[] {
          Pipeline.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        }) {
      if (cl == null) {
        continue;
      }
      Iterator<PipelineLoader> it = ServiceLoader.load(PipelineLoader.class, cl).iterator();
      if (it.hasNext()) {
        return it.next().load(dvcYaml);
      }
    }
    throw new MlopsException(
        "mlops-pipeline is not on the classpath: add dependency dev.mlops:mlops-pipeline"
            + " (it reads dvc.yaml)");
  }

  /** The pipeline name (the experiment name of its tracked runs). */
  public String name() {
    return name;
  }

  /**
   * The base folder; empty for a built pipeline without {@link Builder#dir}, meaning the workspace.
   */
  public Optional<Path> dir() {
    return Optional.ofNullable(dir);
  }

  /**
   * The same stages over another base folder (a fresh copy of the workspace, say). The copy forgets
   * the dvc.yaml it was loaded from.
   */
  public Pipeline withDir(Path newDir) {
    return new Pipeline(
        name,
        Objects.requireNonNull(newDir, "newDir").toAbsolutePath().normalize(),
        null,
        stages,
        upstream,
        order);
  }

  /** The dvc.yaml it was loaded from. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** Every stage, by name, in declaration order. */
  public Map<String, Stage> stages() {
    return stages;
  }

  /** A stage; {@link NotFoundException} naming the stages there are if absent. */
  public Stage stage(String stageName) {
    Stage s = stages.get(stageName);
    if (s == null) {
      throw new NotFoundException(
          "pipeline " + name + " has no stage '" + stageName + "'; stages: " + stages.keySet());
    }
    return s;
  }

  /** The stages {@code stageName} directly depends on. */
  public Set<String> upstream(String stageName) {
    stage(stageName);
    return upstream.get(stageName);
  }

  /** The stages that directly depend on {@code stageName}. */
  public Set<String> downstream(String stageName) {
    stage(stageName);
    return downstream.get(stageName);
  }

  /** Stage names in an order where each stage comes after what it depends on (stable). */
  public List<String> topologicalOrder() {
    return order;
  }

  /**
   * A dep or output path as seen from the base folder: {@code wdir/path}, normalized, {@code
   * /}-separated.
   */
  public static String resolve(Stage stage, String path) {
    return normalize(stage.wdir().equals(".") ? path : stage.wdir() + "/" + path);
  }

  /** The graph as Mermaid text, in the form {@code dvc dag --mermaid} prints. */
  public String toMermaid() {
    StringBuilder sb = new StringBuilder("flowchart TD\n");
    Map<String, String> ids = new HashMap<>();
    int i = 1;
    for (String s : stages.keySet()) {
      String id = "node" + i++;
      ids.put(s, id);
      sb.append('\t').append(id).append("[\"").append(s.replace("\"", "#quot;")).append("\"]\n");
    }
    for (String s : order) {
      for (String u : upstream.get(s)) {
        sb.append('\t').append(ids.get(u)).append("-->").append(ids.get(s)).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Pipeline{" + name + ", stages=" + stages.keySet() + "}";
  }

  static String normalize(String path) {
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || (p.length() > 1 && p.charAt(1) == ':')) {
      throw new InvalidInputException("path", path, "a path relative to the pipeline folder");
    }
    List<String> parts = new ArrayList<>();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else {
        parts.add(seg);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  /** The nearest proper ancestor of {@code path} (by segments) that is a key of {@code paths}. */
  static String ancestorIn(Map<String, ?> paths, String path) {
    int i = path.lastIndexOf('/');
    while (i > 0) {
      String parent = path.substring(0, i);
      if (paths.containsKey(parent)) {
        return parent;
      }
      i = parent.lastIndexOf('/');
    }
    return null;
  }

  /**
   * Whether {@code path} is, lies inside, or contains a key of the sorted set of {@code paths} (all
   * normalized, {@code /}-separated).
   */
  public static boolean overlapsAny(java.util.NavigableSet<String> paths, String path) {
    if (path.equals(".") || paths.contains(".")) {
      return !paths.isEmpty();
    }
    if (paths.contains(path)) {
      return true;
    }
    int i = path.lastIndexOf('/');
    while (i > 0) {
      if (paths.contains(path.substring(0, i))) {
        return true;
      }
      i = path.lastIndexOf('/', i - 1);
    }
    String next = paths.ceiling(path + "/");
    return next != null && next.startsWith(path + "/");
  }

  /** Declares a pipeline. Not thread-safe; validated at {@link #build()}. */
  public static final class Builder {
    private final String name;
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private Path dir;
    private Path source;

    private Builder(String name) {
      this.name = name;
    }

    /** The base folder for paths and {@code dvc.lock} (default: the workspace). */
    public Builder dir(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
      return this;
    }

    /** Records the file this pipeline was read from (used by loaders). */
    public Builder source(Path file) {
      this.source = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Adds a stage, declared by {@code spec} on a fresh {@link Stage.Builder}: {@code s ->
     * s.cmd("...").deps("a").outs("b")}.
     */
    public Builder stage(String stageName, Consumer<Stage.Builder> spec) {
      if (stageName == null
          || stageName.isBlank()
          || stageName.contains("/")
          || stageName.contains(":")
          || !stageName.strip().equals(stageName)) {
        throw new InvalidInputException(
            "stage name", stageName, "a non-empty name without '/', ':' or surrounding spaces");
      }
      if (stages.containsKey(stageName)) {
        throw new InvalidInputException(
            "stage name", stageName, "a name not already used in pipeline " + name);
      }
      Objects.requireNonNull(spec, "spec");
      Stage.Builder b = new Stage.Builder(stageName);
      spec.accept(b);
      stages.put(stageName, b.build());
      return this;
    }

    /**
     * Validates and builds: rejects cycles, two stages with one output, an output inside another
     * output, each with an {@link InvalidInputException} naming the stages and paths.
     */
    public Pipeline build() {
      if (stages.isEmpty()) {
        throw new InvalidInputException(
            "pipeline " + name, "no stages", "at least one stage(name, s -> ...)");
      }
      // every output, base-relative, with its stage; sorted so that checks are O(n log n)
      TreeMap<String, String> outs = new TreeMap<>();
      for (Stage s : stages.values()) {
        for (Output o : s.outputs()) {
          String path = resolve(s, o.path());
          String other = outs.put(path, s.name());
          if (other != null) {
            throw new InvalidInputException(
                "outs",
                path,
                "each output produced by one stage only, but stages '"
                    + other
                    + "' and '"
                    + s.name()
                    + "' both declare it");
          }
        }
      }
      for (Map.Entry<String, String> o : outs.entrySet()) {
        String outer = ancestorIn(outs, o.getKey());
        if (outer != null) {
          throw new InvalidInputException(
              "outs",
              o.getKey(),
              "no output inside another output, but '"
                  + o.getKey()
                  + "' of stage '"
                  + o.getValue()
                  + "' lies inside '"
                  + outer
                  + "' of stage '"
                  + outs.get(outer)
                  + "'");
        }
      }
      Map<String, Set<String>> up = new LinkedHashMap<>();
      for (Stage s : stages.values()) {
        Set<String> u = new LinkedHashSet<>();
        for (String d : s.deps()) {
          String dep = resolve(s, d);
          List<String> producers = new ArrayList<>();
          if (outs.containsKey(dep)) {
            producers.add(outs.get(dep));
          }
          String outer = ancestorIn(outs, dep);
          if (outer != null) {
            producers.add(outs.get(outer));
          }
          String from = dep.equals(".") ? "" : dep + "/";
          String to = dep.equals(".") ? "\uffff" : dep + "0"; // '0' follows '/'
          producers.addAll(outs.subMap(from, to).values());
          for (String producer : producers) {
            if (producer.equals(s.name())) {
              throw new InvalidInputException(
                  "deps",
                  dep,
                  "no stage depending on its own output, but stage '"
                      + s.name()
                      + "' has it as dep and output (cycle: "
                      + s.name()
                      + " -> "
                      + s.name()
                      + ")");
            }
            u.add(producer);
          }
        }
        up.put(s.name(), u);
      }
      List<String> order = topoSort(up);
      return new Pipeline(name, dir, source, new LinkedHashMap<>(stages), up, order);
    }

    private List<String> topoSort(Map<String, Set<String>> up) {
      Map<String, Integer> index = new HashMap<>();
      int i = 0;
      for (String s : stages.keySet()) {
        index.put(s, i++);
      }
      Map<String, Integer> indegree = new HashMap<>();
      Map<String, List<String>> down = new HashMap<>();
      for (Map.Entry<String, Set<String>> e : up.entrySet()) {
        indegree.put(e.getKey(), e.getValue().size());
        for (String u : e.getValue()) {
          down.computeIfAbsent(u, k -> new ArrayList<>()).add(e.getKey());
        }
      }
      PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> index.get(a) - index.get(b));
      indegree.forEach(
          (s, d) -> {
            if (d == 0) {
              ready.add(s);
            }
          });
      List<String> order = new ArrayList<>();
      while (!ready.isEmpty()) {
        String s = ready.poll();
        order.add(s);
        for (String d : down.getOrDefault(s, List.of())) {
          if (indegree.merge(d, -1, Integer::sum) == 0) {
            ready.add(d);
          }
        }
      }
      if (order.size() < up.size()) {
        List<String> cycle = findCycle(up, index);
        throw new InvalidInputException(
            "pipeline " + name,
            String.join(" -> ", cycle),
            "no cycle, but stages form one: " + String.join(" -> ", cycle));
      }
      return order;
    }

    private static List<String> findCycle(Map<String, Set<String>> up, Map<String, Integer> idx) {
      Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
      TreeMap<Integer, String> byIndex = new TreeMap<>();
      idx.forEach((s, i) -> byIndex.put(i, s));
      for (String start : byIndex.values()) {
        List<String> stack = new ArrayList<>();
        List<String> found = dfs(start, up, state, stack);
        if (found != null) {
          return found;
        }
      }
      return List.of("?");
    }

    private static List<String> dfs(
        String s, Map<String, Set<String>> up, Map<String, Integer> state, List<String> stack) {
      Integer st = state.get(s);
      if (st != null && st == 2) {
        return null;
      }
      if (st != null && st == 1) {
        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(s), stack.size()));
        cycle.add(s);
        Collections.reverse(cycle); // stack follows "depends on"; print in run order
        return cycle;
      }
      state.put(s, 1);
      stack.add(s);
      for (String u : up.get(s)) {
        List<String> c = dfs(u, up, state, stack);
        if (c != null) {
          return c;
        }
      }
      stack.remove(stack.size() - 1);
      state.put(s, 2);
      return null;
    }
  }
}
