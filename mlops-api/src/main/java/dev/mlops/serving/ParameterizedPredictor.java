package dev.mlops.serving;

import java.util.List;
import java.util.Map;

/**
 * A {@link BatchPredictor} that also takes per-request parameters: MLflow's {@code params} of
 * {@code POST /invocations}, the Open Inference Protocol's request-level {@code parameters}, or
 * {@link PredictOptions#withParams} in process (as MLflow's {@code predict(context, model_input,
 * params)}). A batch only groups requests whose parameters are equal, so every input of a call
 * shares {@code params}. A plain {@link BatchPredictor} never sees parameters: they are ignored for
 * it, with one warning per endpoint, as MLflow does for a model without a params argument.
 *
 * <pre>{@code
 * ParameterizedPredictor<Features, Score> model =
 *     (batch, params) -> scorer.score(batch, (Double) params.getOrDefault("threshold", 0.5));
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface ParameterizedPredictor<I, O> extends BatchPredictor<I, O> {
  /**
   * Predicts a batch with the requests' parameters.
   *
   * @param batch the inputs, never empty
   * @param params the parameters every request of this batch sent (JSON values as Java strings,
   *     numbers, booleans, lists and maps); empty when none were sent; unmodifiable
   * @return exactly one output per input, in the same order
   * @throws Exception when the model fails; the batch's requests fail with {@link
   *     PredictionException}
   */
  List<O> predict(List<I> batch, Map<String, Object> params) throws Exception;

  /** Predicts with no parameters. */
  @Override
  default List<O> predict(List<I> batch) throws Exception {
    return predict(batch, Map.of());
  }
}
