package dev.mlops.pipeline;

import java.nio.file.Path;

/**
 * Service-provider hook behind {@link Pipeline#load(Path)}: {@code mlops-pipeline} registers one in
 * {@code META-INF/services/dev.mlops.pipeline.PipelineLoader} so that the YAML parser stays out of
 * {@code mlops-api}. Users do not call it. Implementations are thread-safe.
 */
public interface PipelineLoader {
  /**
   * Parses a {@code dvc.yaml} into a pipeline whose base folder is the file's folder.
   *
   * @throws dev.mlops.InvalidInputException naming the file, line and key of a bad entry
   * @throws dev.mlops.NotFoundException if the file does not exist
   */
  Pipeline load(Path dvcYaml);
}
