package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.nio.file.Path;

/**
 * Where the files of a new model version come from: a tracked run's artifact or a local file or
 * folder. Immutable and thread-safe.
 */
public sealed interface ModelSource permits ModelSource.RunArtifact, ModelSource.LocalPath {

  /**
   * The artifact {@code artifactPath} (a file or folder, {@code ""} for all) of a tracked run;
   * lineage (git commit, inputs, params, metrics) is recorded from the run. Needs mlops-tracking.
   */
  static ModelSource ofRun(String runId, String artifactPath) {
    return new RunArtifact(runId, artifactPath);
  }

  /** A local file or folder, copied into the model store. */
  static ModelSource ofPath(Path path) {
    return new LocalPath(path);
  }

  /** The source as a URI-like string: {@code runs:/<id>/<path>} or {@code file:...}. */
  String uri();

  /**
   * A run's artifact.
   *
   * @param runId the run id
   * @param artifactPath the artifact path under the run's root, {@code /}-separated; "" for all
   */
  record RunArtifact(String runId, String artifactPath) implements ModelSource {
    public RunArtifact {
      if (runId == null || runId.isBlank() || !runId.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new InvalidInputException("runId", runId, "a run id of 1-64 of [A-Za-z0-9_-]");
      }
      if (artifactPath == null
          || artifactPath.startsWith("/")
          || artifactPath.contains("\\")
          || ("/" + artifactPath + "/").contains("/../")) {
        throw new InvalidInputException(
            "artifactPath", artifactPath, "a relative artifact path without '..' (\"\" for all)");
      }
    }

    @Override
    public String uri() {
      return "runs:/" + runId + (artifactPath.isEmpty() ? "" : "/" + artifactPath);
    }
  }

  /**
   * A local file or folder.
   *
   * @param path the file or folder
   */
  record LocalPath(Path path) implements ModelSource {
    public LocalPath {
      if (path == null) {
        throw new InvalidInputException("path", null, "an existing file or folder");
      }
      path = path.toAbsolutePath().normalize();
    }

    @Override
    public String uri() {
      return path.toUri().toString();
    }
  }
}
