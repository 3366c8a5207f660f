package dev.mlops.serving;

import java.util.List;

/**
 * The model as the serving module calls it: a batch of inputs in, one output per input, in order.
 * Called from several threads at once when the endpoint's concurrency is above 1; it may throw, and
 * then only the requests of that batch fail. If it is also {@link AutoCloseable}, it is closed when
 * its endpoint closes or when a hot swap retires it.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface BatchPredictor<I, O> {
  /**
   * Predicts a batch.
   *
   * @param batch the inputs, never empty
   * @return exactly one output per input, in the same order
   * @throws Exception when the model fails; the batch's requests fail with {@link
   *     PredictionException}
   */
  List<O> predict(List<I> batch) throws Exception;
}
