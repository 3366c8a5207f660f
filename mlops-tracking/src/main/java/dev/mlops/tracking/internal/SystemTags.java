package dev.mlops.tracking.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tags every run gets: MLflow's names where MLflow has one ({@code mlflow.user}, {@code
 * mlflow.source.*}), {@code mlops.*} for host, Java and OS. The process-wide part (git, host) is
 * computed once per instance. Thread-safe.
 */
final class SystemTags {
  static final String USER = "mlflow.user";
  static final String SOURCE_NAME = "mlflow.source.name";
  static final String SOURCE_TYPE = "mlflow.source.type";
  static final String GIT_COMMIT = "mlflow.source.git.commit";
  static final String GIT_BRANCH = "mlflow.source.git.branch";
  static final String GIT_REPO_URL = "mlflow.source.git.repoURL";
  static final String GIT_DIRTY = "mlflow.source.git.dirty";
  static final String HOST = "mlops.host";
  static final String JAVA_VERSION = "mlops.java.version";
  static final String OS = "mlops.os";

  private static final Logger log = LoggerFactory.getLogger(SystemTags.class);

  private final Path workspace;
  private volatile Map<String, String> fixed;

  SystemTags(Path workspace) {
    this.workspace = workspace;
  }

  /** The tags for a run started now from the calling thread. */
  Map<String, String> forNewRun() {
    Map<String, String> tags = new LinkedHashMap<>(fixed());
    tags.put(SOURCE_NAME, sourceName());
    return tags;
  }

  private Map<String, String> fixed() {
    Map<String, String> f = fixed;
    if (f == null) {
      synchronized (this) {
        if (fixed == null) {
          fixed = compute();
        }
        f = fixed;
      }
    }
    return f;
  }

  private Map<String, String> compute() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(USER, System.getProperty("user.name", "unknown"));
    tags.put(SOURCE_TYPE, "LOCAL");
    tags.put(HOST, host());
    tags.put(JAVA_VERSION, System.getProperty("java.version", "unknown"));
    tags.put(
        OS,
        System.getProperty("os.name", "unknown")
            + " "
            + System.getProperty("os.version", "")
            + " "
            + System.getProperty("os.arch", ""));
    git("rev-parse", "HEAD")
        .ifPresent(
            commit -> {
              tags.put(GIT_COMMIT, commit);
              git("rev-parse", "--abbrev-ref", "HEAD").ifPresent(b -> tags.put(GIT_BRANCH, b));
              git("config", "--get", "remote.origin.url").ifPresent(u -> tags.put(GIT_REPO_URL, u));
              git("status", "--porcelain", "--untracked-files=no")
                  .or(() -> Optional.of(""))
                  .ifPresent(s -> tags.put(GIT_DIRTY, String.valueOf(!s.isBlank())));
            });
    return Map.copyOf(tags);
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
      try {
        String name = java.nio.file.Files.readString(Path.of(file)).trim();
        if (!name.isEmpty()) {
          return name;
        }
      } catch (IOException | RuntimeException e) {
        // not Linux, or not readable: try the next source
      }
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The test class when called from a test, else the main class (or jar) of the JVM. */
  static String sourceName() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      String c = e.getClassName();
      if (!c.startsWith("dev.mlops.tracking.internal.")
          && (c.endsWith("Test") || c.endsWith("IT") || c.endsWith("Tests"))) {
        return c;
      }
    }
    String command = System.getProperty("sun.java.command", "");
    String first = command.isBlank() ? "unknown" : command.split(" ")[0];
    return first;
  }

  private Optional<String> git(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(workspace.toFile())
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      log.debug("git is not available: {}", e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
