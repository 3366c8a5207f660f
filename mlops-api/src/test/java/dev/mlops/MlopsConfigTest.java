package dev.mlops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlopsConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsPutTheHomeInTheWorkingDirectoryAndTheWorkspaceAroundIt() {
    MlopsConfig c = MlopsConfig.resolve(Map.of(), Map.of(), Map.of(), dir);
    assertThat(c.home()).isEqualTo(dir.resolve(".mlops"));
    assertThat(c.workspace()).isEqualTo(dir);
    assertThat(c.get(MlopsConfig.TRACKING_URI))
        .contains("sqlite:" + dir.resolve(".mlops").resolve("mlops.db"));
    assertThat(c.get("artifacts.uri"))
        .get()
        .asString()
        .startsWith("file:")
        .endsWith("/.mlops/artifacts");
  }

  @Test
  void firstMatchWinsBuilderThenSystemPropertyThenEnvironmentThenFileThenDefault()
      throws IOException {
    Files.writeString(
        dir.resolve("mlops.properties"),
        "mlops.tracking.uri=sqlite:/from-file\nregistry.uri=sqlite:/reg-file\nx.a=file\nx.b=file\n"
            + "x.c=file\nx.d=file\n");
    Map<String, String> env =
        Map.of("MLOPS_X_A", "env", "MLOPS_X_B", "env", "MLOPS_X_C", "env", "PATH", "/bin");
    Map<String, String> sys = Map.of("mlops.x.a", "sys", "mlops.x.b", "sys", "user.home", "/root");
    Map<String, String> builder = Map.of("x.a", "builder");

    MlopsConfig c = MlopsConfig.resolve(builder, sys, env, dir);

    assertThat(c.get("x.a")).contains("builder");
    assertThat(c.get("x.b")).contains("sys");
    assertThat(c.get("x.c")).contains("env");
    assertThat(c.get("x.d")).contains("file");
    assertThat(c.get("mlops.x.d")).as("the mlops. prefix is optional").contains("file");
    assertThat(c.get("tracking.uri")).contains("sqlite:/from-file");
    assertThat(c.get("registry.uri")).contains("sqlite:/reg-file");
    assertThat(c.get("x.e", "default")).isEqualTo("default");
    assertThat(c.asMap()).doesNotContainKeys("path", "user.home");
  }

  @Test
  void relativeHomeAndWorkspaceResolveAgainstTheWorkingDirectory() {
    MlopsConfig c =
        MlopsConfig.resolve(Map.of("home", "state/h", "workspace", "ws"), Map.of(), Map.of(), dir);
    assertThat(c.home()).isEqualTo(dir.resolve("state/h"));
    assertThat(c.workspace()).isEqualTo(dir.resolve("ws"));
  }

  @Test
  void toStringMasksSecrets() {
    MlopsConfig c =
        MlopsConfig.resolve(
            Map.of("s3.secret.key", "hunter2", "tracking.uri", "postgresql://bob:pw@db/x"),
            Map.of(),
            Map.of(),
            dir);
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain(":pw@");
  }
}
