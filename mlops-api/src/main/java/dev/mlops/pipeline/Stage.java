package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage of a {@link Pipeline}: a shell command ({@code cmd}) or Java code ({@code run}), with
 * its deps, params and outputs. Immutable and thread-safe; built by {@link Pipeline.Builder#stage}.
 */
public final class Stage {
  /** The lock-file command recorded for a Java stage: this prefix plus its version. */
  public static final String JAVA_CMD_PREFIX = "java:";

  private final String name;
  private final List<String> cmd;
  private final boolean cmdList;
  private final StageBody body;
  private final String version;
  private final String wdir;
  private final List<String> deps;
  private final List<ParamsDependency> params;
  private final List<Output> outputs;
  private final boolean frozen;
  private final boolean alwaysChanged;
  private final String desc;

  private Stage(Builder b) {
    this.name = b.name;
    this.cmd = List.copyOf(b.cmd);
    this.cmdList = b.cmdList;
    this.body = b.body;
    this.version = b.version;
    this.wdir = b.wdir;
    this.deps = List.copyOf(b.deps);
    List<ParamsDependency> ps = new ArrayList<>();
    b.params.forEach((file, keys) -> ps.add(new ParamsDependency(file, new ArrayList<>(keys))));
    this.params = List.copyOf(ps);
    this.outputs = List.copyOf(b.outputs);
    this.frozen = b.frozen;
    this.alwaysChanged = b.alwaysChanged;
    this.desc = b.desc;
  }

  public String name() {
    return name;
  }

  /** The shell commands, run in order with {@code bash -c} (empty for a Java stage). */
  public List<String> cmd() {
    return cmd;
  }

  /** Whether {@code cmd} was given as a list (it is then written as a list in the lock file). */
  public boolean cmdIsList() {
    return cmdList;
  }

  /** The Java code of a Java stage. */
  public Optional<StageBody> body() {
    return Optional.ofNullable(body);
  }

  /** Whether this is a Java stage ({@code run(...)}). */
  public boolean isJava() {
    return body != null;
  }

  /** The declared code version of a Java stage ("0" unless set). */
  public String version() {
    return version;
  }

  /**
   * The command that identifies the stage in {@code dvc.lock}: the cmd (a string, or the list
   * joined by newlines), or {@code java:<version>} for a Java stage.
   */
  public String identity() {
    return isJava() ? JAVA_CMD_PREFIX + version : String.join("\n", cmd);
  }

  /** The working folder relative to the pipeline's base folder ({@code "."} by default). */
  public String wdir() {
    return wdir;
  }

  /** Dependency paths relative to {@code wdir}. */
  public List<String> deps() {
    return deps;
  }

  /** Params dependencies, one per file. */
  public List<ParamsDependency> params() {
    return params;
  }

  /** Every output (outs, metrics and plots), in declaration order. */
  public List<Output> outputs() {
    return outputs;
  }

  /** Outputs of one kind. */
  public List<Output> outputs(Output.Kind kind) {
    List<Output> r = new ArrayList<>();
    for (Output o : outputs) {
      if (o.kind() == kind) {
        r.add(o);
      }
    }
    return List.copyOf(r);
  }

  /** A frozen stage is never run and never stale. */
  public boolean frozen() {
    return frozen;
  }

  /** An always-changed stage is always stale. */
  public boolean alwaysChanged() {
    return alwaysChanged;
  }

  /** The description ("" if none). */
  public String desc() {
    return desc;
  }

  @Override
  public String toString() {
    return "Stage{"
        + name
        + ", "
        + (isJava() ? identity() : "cmd=" + cmd)
        + ", deps="
        + deps
        + ", outs="
        + outputs
        + "}";
  }

  /**
   * Declares a stage. Not thread-safe. Methods that take several values append; {@code cmd} and
   * {@code run} are exclusive.
   */
  public static final class Builder {
    private final String name;
    private final List<String> cmd = new ArrayList<>();
    private boolean cmdList;
    private StageBody body;
    private String version = "0";
    private String wdir = ".";
    private final List<String> deps = new ArrayList<>();
    private final Map<String, List<String>> params = new LinkedHashMap<>();
    private final List<Output> outputs = new ArrayList<>();
    private boolean frozen;
    private boolean alwaysChanged;
    private String desc = "";

    Builder(String name) {
      this.name = name;
    }

    /** The stage name. */
    public String name() {
      return name;
    }

    /** A shell command run with {@code bash -c} in {@code wdir}. */
    public Builder cmd(String command) {
      requireText("cmd", command);
      cmd.clear();
      cmd.add(command);
      cmdList = false;
      return this;
    }

    /** Several shell commands run in order; the stage fails on the first that fails. */
    public Builder cmd(List<String> commands) {
      Objects.requireNonNull(commands, "commands");
      if (commands.isEmpty()) {
        throw new InvalidInputException("cmd", name, "at least one command");
      }
      commands.forEach(c -> requireText("cmd", c));
      cmd.clear();
      cmd.addAll(commands);
      cmdList = true;
      return this;
    }

    /** Java code instead of a shell command; its identity is {@link #version} plus its deps. */
    public Builder run(StageBody code) {
      this.body = Objects.requireNonNull(code, "code");
      return this;
    }

    /** The code version of a Java stage: change it when the code changes to make it stale. */
    public Builder version(String version) {
      requireText("version", version);
      this.version = version;
      return this;
    }

    /** The working folder, relative to the pipeline's base folder. */
    public Builder wdir(String wdir) {
      requireText("wdir", wdir);
      this.wdir = wdir.replace('\\', '/');
      return this;
    }

    /** Dependency files or folders (relative to {@code wdir}). */
    public Builder deps(String... paths) {
      for (String p : paths) {
        requireText("deps", p);
        deps.add(p.replace('\\', '/'));
      }
      return this;
    }

    /** Keys of {@code params.yaml} (dotted, e.g. {@code train.lr}). */
    public Builder params(String... keys) {
      return paramsFrom(ParamsDependency.DEFAULT_FILE, keys);
    }

    /**
     * Keys of another params file (relative to {@code wdir}); no keys = track the whole file, as
     * DVC's {@code - other.yaml:} with no list.
     */
    public Builder paramsFrom(String file, String... keys) {
      requireText("params file", file);
      List<String> list = params.computeIfAbsent(file.replace('\\', '/'), f -> new ArrayList<>());
      for (String k : keys) {
        requireText("params", k);
        if (!list.contains(k)) {
          list.add(k);
        }
      }
      return this;
    }

    /** Cached outputs (files or folders) deleted before the stage runs. */
    public Builder outs(String... paths) {
      for (String p : paths) {
        out(p, true, false);
      }
      return this;
    }

    /** An output with DVC's {@code cache} and {@code persist} flags. */
    public Builder out(String path, boolean cache, boolean persist) {
      return output(new Output(path, Output.Kind.OUT, cache, persist));
    }

    /** Metrics files (JSON or YAML), cached; logged as metrics when tracking is present. */
    public Builder metrics(String... paths) {
      for (String p : paths) {
        output(new Output(p, Output.Kind.METRIC, true, false));
      }
      return this;
    }

    /** A metrics file with DVC's flags (metrics are usually {@code cache: false}). */
    public Builder metric(String path, boolean cache, boolean persist) {
      return output(new Output(path, Output.Kind.METRIC, cache, persist));
    }

    /** Plots files, cached. */
    public Builder plots(String... paths) {
      for (String p : paths) {
        output(new Output(p, Output.Kind.PLOT, true, false));
      }
      return this;
    }

    /** A plots file with DVC's flags. */
    public Builder plot(String path, boolean cache, boolean persist) {
      return output(new Output(path, Output.Kind.PLOT, cache, persist));
    }

    /** Adds an output. */
    public Builder output(Output output) {
      outputs.add(Objects.requireNonNull(output, "output"));
      return this;
    }

    /** A frozen stage is neither checked nor run. */
    public Builder frozen(boolean frozen) {
      this.frozen = frozen;
      return this;
    }

    /** An always-changed stage runs on every repro. */
    public Builder alwaysChanged(boolean alwaysChanged) {
      this.alwaysChanged = alwaysChanged;
      return this;
    }

    /** A description. */
    public Builder desc(String desc) {
      this.desc = desc == null ? "" : desc;
      return this;
    }

    Stage build() {
      if (cmd.isEmpty() && body == null) {
        throw new InvalidInputException(
            "stage " + name, "no command", "cmd(\"...\") for a shell stage or run(ctx -> ...)");
      }
      if (!cmd.isEmpty() && body != null) {
        throw new InvalidInputException(
            "stage " + name, "both cmd and run", "either cmd(...) or run(...), not both");
      }
      return new Stage(this);
    }

    private void requireText(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new InvalidInputException(field + " of stage " + name, value, "a non-empty value");
      }
    }
  }
}
