package dev.mlops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableCopyNumericTest {
  private final Table t =
      Table.builder()
          .numeric("x", new double[] {1.5, Double.NaN, -0.0})
          .bool("b", Arrays.asList(true, null, false))
          .categorical("c", List.of("a", "b", "c"))
          .build();

  @Test
  void copiesWhatNumericGivesIntoTheBuffer() {
    double[] dest = {9, 9, 9, 9};
    t.copyNumeric("x", dest);
    assertThat(Arrays.copyOf(dest, 3)).isEqualTo(t.numeric("x"));
    assertThat(dest[3]).isEqualTo(9); // beyond rowCount(): untouched
    t.copyNumeric("b", dest);
    assertThat(Arrays.copyOf(dest, 3)).isEqualTo(t.numeric("b"));
  }

  @Test
  void rejectsCategoricalColumnsAndShortBuffers() {
    double[] dest = {7, 7, 7};
    assertThatThrownBy(() -> t.copyNumeric("c", dest)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> t.copyNumeric("x", new double[2]))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 3");
    assertThat(dest).containsExactly(7, 7, 7);
  }
}
