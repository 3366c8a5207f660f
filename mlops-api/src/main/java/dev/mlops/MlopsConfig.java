package dev.mlops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The resolved configuration of one {@link Mlops} instance. Immutable and thread-safe.
 *
 * <p>Keys are written without the {@code mlops.} prefix ({@code home}, {@code tracking.uri}). A key
 * is looked up, first match wins, in: builder calls; the system property {@code mlops.<key>}; the
 * environment variable {@code MLOPS_<KEY>} (dots become underscores, upper case); the file {@code
 * mlops.properties} in the working directory (with or without the {@code mlops.} prefix); the
 * defaults.
 */
public final class MlopsConfig {
  /** Home folder; default {@code ./.mlops}. */
  public static final String HOME = "home";

  /** Workspace folder (holds data and pipelines); default the folder that holds the home. */
  public static final String WORKSPACE = "workspace";

  /** Tracking store URI; default {@code sqlite:<home>/mlops.db}. */
  public static final String TRACKING_URI = "tracking.uri";

  /** Artifact store URI; default {@code file:<home>/artifacts}. */
  public static final String ARTIFACTS_URI = "artifacts.uri";

  /** Registry store URI; default {@code sqlite:<home>/mlops.db}. */
  public static final String REGISTRY_URI = "registry.uri";

  private final Map<String, String> values;
  private final Path home;
  private final Path workspace;

  private MlopsConfig(Map<String, String> values, Path home, Path workspace) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.home = home;
    this.workspace = workspace;
  }

  static MlopsConfig resolve(
      Map<String, String> explicit,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Path workingDir) {
    Map<String, String> merged = new LinkedHashMap<>();
    Path propsFile = workingDir.resolve("mlops.properties");
    if (Files.isRegularFile(propsFile)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(propsFile)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + propsFile, e);
      }
      for (String k : p.stringPropertyNames()) {
        merged.put(stripPrefix(k), p.getProperty(k).trim());
      }
    }
    environment.forEach(
        (k, v) -> {
          if (k.startsWith("MLOPS_") && k.length() > 6) {
            merged.put(k.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'), v);
          }
        });
    systemProperties.forEach(
        (k, v) -> {
          if (k.startsWith("mlops.") && k.length() > 6) {
            merged.put(k.substring(6), v);
          }
        });
    merged.putAll(explicit);

    Path home =
        workingDir.resolve(merged.getOrDefault(HOME, ".mlops")).toAbsolutePath().normalize();
    Path workspace =
        merged.containsKey(WORKSPACE)
            ? workingDir.resolve(merged.get(WORKSPACE)).toAbsolutePath().normalize()
            : home.getParent();
    merged.put(HOME, home.toString());
    merged.put(WORKSPACE, workspace.toString());
    merged.putIfAbsent(TRACKING_URI, "sqlite:" + home.resolve("mlops.db"));
    merged.putIfAbsent(REGISTRY_URI, "sqlite:" + home.resolve("mlops.db"));
    merged.putIfAbsent(ARTIFACTS_URI, home.resolve("artifacts").toUri().toString());
    return new MlopsConfig(merged, home, workspace);
  }

  private static String stripPrefix(String key) {
    return key.startsWith("mlops.") ? key.substring(6) : key;
  }

  /** The home folder (absolute). */
  public Path home() {
    return home;
  }

  /** The workspace folder (absolute): data paths and pipelines are relative to it. */
  public Path workspace() {
    return workspace;
  }

  /** The value of a key, e.g. {@code get("tracking.uri")}. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(stripPrefix(key)));
  }

  /** The value of a key, or {@code defaultValue} when it is not set. */
  public String get(String key, String defaultValue) {
    return values.getOrDefault(stripPrefix(key), defaultValue);
  }

  /** Every resolved key and value. */
  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MlopsConfig{");
    values.forEach(
        (k, v) -> {
          boolean secret = k.contains("password") || k.contains("secret") || k.contains("token");
          String shown = secret ? "****" : v.replaceAll("://([^/@:]*):[^/@]*@", "://$1:****@");
          sb.append(k).append('=').append(shown).append(", ");
        });
    if (!values.isEmpty()) {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }
}
