package dev.mlops.serving;

import dev.mlops.registry.ModelVersion;
import java.nio.file.Path;

/**
 * Turns a downloaded registry model folder into a predictor. Called once per version, on a
 * background thread for hot swaps; it may throw, and then that version is never swapped in. The
 * loader must not use Java deserialization ({@code ObjectInputStream}) on the model files: they are
 * data, not trusted code.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface ModelLoader<I, O> {
  /**
   * Loads a version.
   *
   * @param modelDir the folder holding the version's files (verified against its digest)
   * @param version the registry version being loaded
   */
  BatchPredictor<I, O> load(Path modelDir, ModelVersion version) throws Exception;
}
