package dev.mlops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlopsTest {
  @TempDir Path dir;

  @Test
  void aMissingModuleNamesTheDependencyToAdd() {
    try (Mlops m = Mlops.open(dir.resolve("home"))) {
      assertThatThrownBy(m::tracking)
          .isInstanceOf(MlopsException.class)
          .hasMessage(
              "mlops-tracking is not on the classpath: add dependency dev.mlops:mlops-tracking");
      assertThatThrownBy(m::registry)
          .hasMessage(
              "mlops-registry is not on the classpath: add dependency dev.mlops:mlops-registry");
      assertThatThrownBy(m::data).hasMessageContaining("dev.mlops:mlops-versioning");
      assertThatThrownBy(m::pipelines).hasMessageContaining("dev.mlops:mlops-pipeline");
      assertThatThrownBy(m::serving).hasMessageContaining("dev.mlops:mlops-serving");
      assertThatThrownBy(m::monitoring).hasMessageContaining("dev.mlops:mlops-monitoring");
    }
  }

  @Test
  void modulesOnTheClasspathAreFoundCreatedOnceAndClosedWithTheInstance() {
    Mlops m = Mlops.open(dir.resolve("home"));
    assertThat(m.has(TestModule.class)).isTrue();
    TestModule first = m.module(TestModule.class).orElseThrow();
    assertThat(m.module(TestModule.class)).containsSame(first);
    assertThat(first.context.home()).isEqualTo(dir.resolve("home"));
    assertThat(first.context.workspace()).isEqualTo(dir);
    assertThat(first.context.database().isSqlite()).isTrue();
    assertThat(dir.resolve("home/mlops.db")).exists();
    assertThat(first.closed).isFalse();
    m.close();
    assertThat(first.closed).isTrue();
    assertThatThrownBy(() -> m.module(TestModule.class)).hasMessageContaining("is closed");
    m.close(); // idempotent
  }

  @Test
  void builderRejectsBlankValuesNamingTheKey() {
    assertThatThrownBy(() -> Mlops.builder().trackingUri(" "))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tracking.uri");
  }

  @Test
  void theHomeFolderIsCreated() {
    Path home = dir.resolve("a/b/.mlops");
    try (Mlops m = Mlops.builder().home(home).build()) {
      assertThat(m.home()).isEqualTo(home);
      assertThat(home).isDirectory();
    }
  }
}
