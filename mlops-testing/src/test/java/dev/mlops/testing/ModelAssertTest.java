package dev.mlops.testing;

import static dev.mlops.testing.MlopsAssertions.assertThatModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.monitoring.Table;
import dev.mlops.serving.BatchPredictor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelAssertTest {
  // x in 0..9, label = 1 when x >= 5; the model thresholds at 6, so it gets x = 5 wrong: 90% right
  private final Table table =
      Table.builder()
          .numeric("x", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
          .numeric("label", new double[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1})
          .build();
  private final BatchPredictor<Map<String, Object>, Object> classifier =
      batch ->
          batch.stream()
              .map(row -> (Object) (((Double) row.get("x")) >= 6 ? 1.0 : 0.0))
              .collect(Collectors.toList());

  @Test
  void accuracyIsComputedOverEveryRowWithoutTheLabel() {
    var evaluation = assertThatModel(classifier).on(table, "label");
    assertThat(evaluation.accuracy()).isEqualTo(0.9);
    assertThatCode(() -> evaluation.hasAccuracyAtLeast(0.9)).doesNotThrowAnyException();
    assertThatThrownBy(() -> evaluation.hasAccuracyAtLeast(0.95))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "accuracy is 0.9000 (9 of 10 rows right), expected at least 0.9500;"
                + " wrong rows: row 5 (predicted 0, label 1)");
  }

  @Test
  void regressionErrorsUseNumericPredictionsOrAPredictionField() {
    BatchPredictor<Map<String, Object>, Object> regressor =
        batch ->
            batch.stream()
                .map(row -> (Object) Map.of("prediction", ((Double) row.get("x")) / 10 + 0.5))
                .collect(Collectors.toList());
    var evaluation = assertThatModel(regressor).on(table, "label");
    // errors: 0.5,0.6,0.7,0.8,0.9 for label 0 rows; 0,0.1,0.2,0.3,0.4 for label 1 rows
    assertThat(evaluation.mae()).isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-12));
    assertThatCode(() -> evaluation.hasMaeAtMost(0.46).hasRmseAtMost(0.6))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> evaluation.hasRmseAtMost(0.1))
        .hasMessageContaining("RMSE is 0.5")
        .hasMessageContaining(
            "largest errors: row 4 (predicted 0.9, label 0), row 3 (predicted 0.8, label 0)");
    assertThatThrownBy(() -> evaluation.hasMaeAtMost(0.1))
        .hasMessageContaining("MAE is 0.45")
        .hasMessageContaining("largest errors: row 4 (predicted 0.9, label 0)");
  }

  @Test
  void aMissingLabelColumnOrAWrongNumberOfAnswersFails() {
    assertThatThrownBy(() -> assertThatModel(classifier).on(table, "y"))
        .hasMessageContaining("no label column 'y'");
    BatchPredictor<Map<String, Object>, Object> shortModel = batch -> List.of(1.0);
    assertThatThrownBy(() -> assertThatModel(shortModel).on(table, "label"))
        .hasMessageContaining("answered 1 predictions for 10 rows");
  }
}
