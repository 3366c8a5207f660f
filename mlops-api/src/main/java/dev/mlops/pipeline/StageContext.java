package dev.mlops.pipeline;

import dev.mlops.tracking.ActiveRun;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What a Java stage gets while it runs. Valid only during the stage; thread-safe.
 *
 * <pre>{@code
 * .stage("train", s -> s.run(ctx -> {
 *     double lr = ctx.paramDouble("train.lr");
 *     Files.writeString(ctx.path("model.bin"), train(lr));
 *     ctx.run().ifPresent(r -> r.metric("loss", 0.1));
 *   }).params("train.lr").outs("model.bin"))
 * }</pre>
 */
public interface StageContext {
  /** The stage name. */
  String stage();

  /** The attempt number, 1 for the first try. */
  int attempt();

  /** The stage's working folder (absolute). */
  Path workdir();

  /** A path relative to the stage's working folder, as deps and outs are written (absolute). */
  Path path(String relative);

  /**
   * A param value from the stage's params files ({@code params.yaml} unless the key was declared
   * for another file), by dotted key ({@code "train.lr"}, {@code "layers[0]"}), as text (numbers as
   * written, booleans {@code true}/{@code false}, lists and maps as JSON); {@link
   * dev.mlops.NotFoundException} if absent.
   */
  String param(String key);

  /** A param parsed as a double; {@link dev.mlops.InvalidInputException} if it is not a number. */
  default double paramDouble(String key) {
    String v = param(key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new dev.mlops.InvalidInputException(key, v, "a number", e);
    }
  }

  /** A param parsed as a long; {@link dev.mlops.InvalidInputException} if it is not an integer. */
  default long paramLong(String key) {
    String v = param(key);
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new dev.mlops.InvalidInputException(key, v, "an integer", e);
    }
  }

  /** The stage's tracking run, when {@code mlops-tracking} is on the classpath. */
  Optional<ActiveRun> run();

  /** A logger for the stage; its lines are also kept in {@link PipelineRun#log(String)}. */
  Logger log();
}
