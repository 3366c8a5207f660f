package dev.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChurnDataGeneratorTest {
  @Test
  void theShippedCsvIsWhatTheDocumentedCommandGeneratesAndUnderOneMegabyte(@TempDir Path dir)
      throws Exception {
    byte[] shipped;
    try (InputStream in = Demo.class.getResourceAsStream("churn.csv")) {
      shipped = in.readAllBytes();
    }
    assertThat(shipped.length).isLessThan(1 << 20);
    Path regenerated = dir.resolve("churn.csv");
    ChurnDataGenerator.main(new String[] {regenerated.toString(), "2000", "42"});
    assertThat(Files.readAllBytes(regenerated)).isEqualTo(shipped);
  }
}
