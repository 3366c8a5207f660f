package dev.mlops.testing;

import static dev.mlops.testing.MlopsAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunStatus;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunAssertTest {
  private final Run run =
      new Run(
          "abc",
          "1",
          "brave-owl",
          RunStatus.FINISHED,
          Instant.EPOCH,
          Instant.EPOCH,
          null,
          Map.of("lr", "0.01"),
          Map.of("accuracy", 0.87, "loss", Double.NaN),
          Map.of("team", "growth"),
          URI.create("file:///tmp/a"));

  @Test
  void passingAssertionsChain() {
    assertThatCode(
            () ->
                assertThatRun(run)
                    .hasStatus(RunStatus.FINISHED)
                    .hasParam("lr", 0.01)
                    .hasTag("team", "growth")
                    .hasMetric("accuracy")
                    .atLeast(0.8)
                    .atMost(0.9)
                    .isBetween(0.85, 0.88)
                    .isCloseTo(0.87, 1e-12))
        .doesNotThrowAnyException();
  }

  @Test
  void failuresShowTheNumbers() {
    assertThatThrownBy(() -> assertThatRun(run).hasMetric("accuracy").atLeast(0.9))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("'accuracy' is 0.87, expected at least 0.9")
        .hasMessageContaining("brave-owl");
    assertThatThrownBy(() -> assertThatRun(run).hasStatus(RunStatus.FAILED))
        .hasMessageContaining("has status FINISHED, expected FAILED");
    assertThatThrownBy(() -> assertThatRun(run).hasMetric("f1"))
        .hasMessageContaining("has no metric 'f1'; its metrics are {accuracy=0.87, loss=NaN}");
    assertThatThrownBy(() -> assertThatRun(run).hasParam("lr", 0.1))
        .hasMessageContaining("param 'lr' is '0.01', expected '0.1'");
  }

  @Test
  void softAssertionsCollectEveryFailure() {
    var soft = new org.assertj.core.api.SoftAssertions();
    soft.check(() -> assertThatRun(run).hasMetric("accuracy").atLeast(0.9));
    soft.check(() -> assertThatRun(run).hasStatus(RunStatus.FAILED));
    soft.check(() -> assertThatRun(run).hasMetric("accuracy").atMost(0.9));
    org.assertj.core.api.Assertions.assertThat(soft.errorsCollected())
        .extracting(Throwable::getMessage)
        .hasSize(2)
        .anySatisfy(m -> org.assertj.core.api.Assertions.assertThat(m).contains("is 0.87"))
        .anySatisfy(m -> org.assertj.core.api.Assertions.assertThat(m).contains("FAILED"));
  }

  @Test
  void boundsAreInclusive() {
    assertThatCode(
            () ->
                assertThatRun(run)
                    .hasMetric("accuracy")
                    .atLeast(0.87)
                    .atMost(0.87)
                    .isBetween(0.87, 0.87)
                    .isCloseTo(0.86, 0.01 + 1e-12)
                    .and()
                    .hasStatus(RunStatus.FINISHED))
        .doesNotThrowAnyException();
  }

  @Test
  void nanNeverSatisfiesABound() {
    assertThatThrownBy(() -> assertThatRun(run).hasMetric("loss").atMost(1e300))
        .hasMessageContaining("is NaN");
  }
}
