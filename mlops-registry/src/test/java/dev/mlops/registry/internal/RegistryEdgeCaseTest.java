package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.registry.AuditEvent;
import dev.mlops.registry.Gate;
import dev.mlops.registry.ModelQuery;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.RegisterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs the reference vectors do not cover: ref forms at the edges of the grammar, every rejected
 * call (InvalidInputException naming field and value, NotFoundException for unknown things) leaving
 * the audit history unchanged, MLflow stage-name case, alias and delete rules, and name search by
 * glob and by SQL LIKE pattern.
 */
class RegistryEdgeCaseTest {
  @TempDir Path tmp;
  Mlops m;
  ModelRegistry reg;

  @BeforeEach
  void open() {
    m = Mlops.builder().home(tmp.resolve("home")).property("user", "alice").build();
    reg = m.registry();
  }

  @AfterEach
  void close() {
    m.close();
  }

  Path model(String content) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "model");
    Files.writeString(dir.resolve("weights.bin"), content);
    return dir;
  }

  ModelVersion register(String name, String content) throws IOException {
    return reg.register(name, ModelSource.ofPath(model(content)));
  }

  void rejected(String field, Object value, Executable call) {
    List<AuditEvent> before = safeHistory("m");
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class, call);
    InvalidInputException e = (InvalidInputException) t;
    assertThat(e.field()).as(t.getMessage()).isEqualTo(field);
    assertThat(t.getMessage()).contains(String.valueOf(value));
    assertThat(safeHistory("m")).isEqualTo(before);
  }

  void notFound(Executable call) {
    List<AuditEvent> before = safeHistory("m");
    org.junit.jupiter.api.Assertions.assertThrows(NotFoundException.class, call);
    assertThat(safeHistory("m")).isEqualTo(before);
  }

  List<AuditEvent> safeHistory(String n) {
    try {
      return reg.history(n);
    } catch (NotFoundException e) {
      return List.of();
    }
  }

  @Test
  void refFormsAtTheEdgesOfTheGrammar() {
    String[][] ok = {
      {"m@v1.2.0-alpha", "SEMVER", "v1.2.0-alpha"},
      {"m@v1.2.0+001", "SEMVER", "v1.2.0+001"},
      {"m@1.0.0-0.3.7", "SEMVER", "v1.0.0-0.3.7"},
      {"m@1.0.0-x.7.z.92", "SEMVER", "v1.0.0-x.7.z.92"},
      {"models:/m/PRODUCTION", "STAGE", "Production"},
      {"models:/m/LATEST", "LATEST", "latest"},
      {"m#NONE", "STAGE", "None"},
      {"m@V3", "VERSION", "3"},
      {"m@v01", "VERSION", "1"},
    };
    for (String[] c : ok) {
      ModelRef r = ModelRef.parse(c[0]);
      assertThat(r.kind().name()).as(c[0]).isEqualTo(c[1]);
      assertThat(r.selector()).as(c[0]).isEqualTo(c[2]);
      assertThat(ModelRef.parse(r.toString())).as(c[0]).isEqualTo(r);
    }
    for (String bad :
        new String[] {
          "m@v1.2.0-01",
          "m@v1.2.0-",
          "m@v1.2.0+",
          "m@v1.2.0+a..b",
          "m@v1.2.3.4",
          "m#a/b",
          "models:/m/a/b",
          "models:m/1",
          "m@1@2",
          "m#prod#3",
          "m@v2147483648",
          "m\t@1",
          "m@\u0663",
          "models:/m@",
          "models:/m/ ",
          "m#" + "a".repeat(101),
          "m@" + "a".repeat(256)
        }) {
      assertThatThrownBy(() -> ModelRef.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("ref"));
    }
    assertThatThrownBy(() -> new ModelRef("m", null, "1"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void everyRejectedCallNamesFieldAndValueAndChangesNothing() throws IOException {
    register("m", "a");
    register("m", "b");
    reg.setAlias("m", "champ", 1);
    rejected("stage", "", () -> reg.assignStage("m", 1, ""));
    rejected("stage", "pro duction", () -> reg.assignStage("m", 1, "pro duction"));
    rejected("version", 0, () -> reg.assignStage("m", 0, "Production"));
    rejected("name", "a/b", () -> reg.assignStage("a/b", 1, "Production"));
    rejected("alias", "latest", () -> reg.setAlias("m", "latest", 1));
    rejected("alias", "v2", () -> reg.setAlias("m", "v2", 1));
    rejected("alias", "", () -> reg.setAlias("m", "", 1));
    rejected("reason", "null", () -> reg.assignStage("m", 1, "Production", null));
    rejected("version", -1, () -> reg.deleteVersion("m", -1));
    rejected("ref", "m@@", () -> reg.resolve("m@@"));
    rejected("ref", "m@@", () -> reg.promote("m@@", "Production"));
    rejected("stage", "a b", () -> reg.promote("m@1", "a b"));
    rejected("tag key", "", () -> reg.setTag("m@1", "", "v"));
    rejected("ref", "m@@", () -> reg.setTag("m@@", "k", "v"));
    rejected("name", "", () -> reg.versions(""));
    rejected("name", "a..b", () -> reg.history("a..b"));
    rejected("name", "a b", () -> reg.deleteModel("a b"));
    rejected("name", "x/y", () -> reg.register("x/y", ModelSource.ofPath(tmp)));
    rejected("alias", "bad alias", () -> reg.deleteAlias("m", "bad alias"));
    rejected("name", "m/", () -> reg.model("m/"));
    notFound(() -> reg.assignStage("m", 3, "Production"));
    notFound(() -> reg.assignStage("nope", 1, "Production"));
    notFound(() -> reg.setAlias("m", "x", 9));
    notFound(() -> reg.deleteAlias("m", "nope"));
    notFound(() -> reg.deleteVersion("m", 9));
    notFound(() -> reg.deleteModel("nope"));
    notFound(() -> reg.resolve("m#production"));
    notFound(() -> reg.resolve("m#customstage"));
    notFound(() -> reg.resolve("m@v9.9.9"));
    notFound(() -> reg.resolve("m@nope"));
    notFound(() -> reg.promote("m@7", "Production"));
    notFound(() -> reg.setTag("m@7", "k", "v"));
    notFound(() -> reg.lineage("m@7"));
    notFound(() -> reg.details("m@7"));
    notFound(() -> reg.download("m@7", tmp.resolve("d")));
    notFound(() -> reg.open("m@7"));
    notFound(() -> reg.history("never"));
    notFound(() -> reg.versions("never"));
    assertThat(reg.model("never")).isEmpty();
  }

  @Test
  void stageNamesAreCaseInsensitiveAndDeletesEmptyTheStage() throws IOException {
    register("m", "a");
    register("m", "b");
    register("m", "c");
    assertThat(reg.assignStage("m", 1, "production").stage()).isEqualTo("Production");
    assertThat(reg.assignStage("m", 2, "PRODUCTION").stage()).isEqualTo("Production");
    assertThat(reg.resolve("m@1").stage()).isEqualTo("Archived");
    assertThat(reg.resolve("models:/m/production").version()).isEqualTo(2);
    assertThat(reg.resolve("models:/m/Production").version()).isEqualTo(2);
    reg.assignStage("m", 1, "Canary");
    reg.assignStage("m", 3, "canary");
    assertThat(reg.resolve("m#CANARY").version()).isEqualTo(3);
    assertThat(reg.resolve("m@1").stage()).isEqualTo("Archived");
    // deleting the holder empties the stage
    reg.deleteVersion("m", 2);
    assertThatThrownBy(() -> reg.resolve("m#production")).isInstanceOf(NotFoundException.class);
    assertThat(reg.resolve("m@latest").version()).isEqualTo(3);
    reg.deleteVersion("m", 3);
    assertThat(reg.resolve("m@latest").version()).isEqualTo(1);
    assertThat(register("m", "d").version()).isEqualTo(4);
    List<AuditEvent> h = reg.history("m");
    assertThat(h).extracting(AuditEvent::sequence).isSorted();
  }

  @Test
  void aliasesMoveAndDieWithTheirVersion() throws IOException {
    register("m", "a");
    register("m", "b");
    reg.setAlias("m", "champ", 1);
    reg.setAlias("m", "champ", 2);
    assertThat(reg.resolve("m@champ").version()).isEqualTo(2);
    assertThat(reg.resolve("m@1").aliases()).isEmpty();
    reg.deleteVersion("m", 2);
    assertThatThrownBy(() -> reg.resolve("m@champ")).isInstanceOf(NotFoundException.class);
    reg.setAlias("m", "champ", 1);
    assertThat(reg.resolve("models:/m@champ").version()).isEqualTo(1);
    // semver
    ModelVersion v3 =
        reg.register(
            "m",
            ModelSource.ofPath(model("c")),
            RegisterOptions.builder().semver("1.0.0-rc.1").build());
    assertThat(reg.resolve("m@v1.0.0-rc.1").version()).isEqualTo(v3.version());
    assertThat(reg.resolve("m@1.0.0-rc.1").version()).isEqualTo(v3.version());
    reg.deleteModel("m");
    assertThatThrownBy(() -> reg.resolve("m@champ")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> reg.deleteModel("m")).isInstanceOf(NotFoundException.class);
    assertThat(reg.history("m")).isNotEmpty();
    assertThat(register("m", "z").version()).isEqualTo(4);
    assertThat(reg.resolve("m@latest").aliases()).isEmpty();
  }

  @Test
  void searchByGlob() throws IOException {
    register("churn-a", "a");
    register("churn_b", "b");
    register("Churn", "c");
    register("x.y", "d");
    assertThat(reg.search(ModelQuery.name("churn*")))
        .extracting(ModelVersion::name)
        .containsExactly("churn-a", "churn_b");
    assertThat(reg.search(ModelQuery.name("churn?a")))
        .extracting(ModelVersion::name)
        .containsExactly("churn-a");
    assertThat(reg.search(ModelQuery.name("x.y"))).hasSize(1);
    assertThat(reg.search(ModelQuery.name("x?y"))).hasSize(1);
    assertThat(reg.search(ModelQuery.all().stage("production"))).isEmpty();
  }

  @Test
  void searchByLikePatternAsMlflow() throws IOException {
    register("churn-a", "a");
    register("churn_b", "b");
    register("Churn", "c");
    register("churnxb", "d");
    assertThat(reg.search(ModelQuery.nameLike("churn%")))
        .extracting(ModelVersion::name)
        .containsExactly("churn-a", "churn_b", "churnxb");
    assertThat(reg.search(ModelQuery.nameLike("churn_b")))
        .extracting(ModelVersion::name)
        .containsExactly("churn_b", "churnxb");
    assertThat(reg.search(ModelQuery.nameLike("churn\\_b")))
        .extracting(ModelVersion::name)
        .containsExactly("churn_b");
    assertThat(reg.search(ModelQuery.nameLike("churn\\%"))).isEmpty();
    assertThat(reg.search(ModelQuery.nameILike("CHURN")))
        .extracting(ModelVersion::name)
        .containsExactly("Churn");
    assertThat(reg.search(ModelQuery.nameLike("CHURN"))).isEmpty();
    assertThat(reg.search(ModelQuery.nameLike("%"))).hasSize(4);
    for (String bad : new String[] {"", "a*", "a\\", "a b", "a/%"}) {
      assertThatThrownBy(() -> ModelQuery.nameLike(bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("name pattern");
    }
  }

  @Test
  void nullRefsAndAFileAsTargetAreInvalidInput() throws IOException {
    register("m", "a");
    rejected("ref", "null", () -> reg.resolve((ModelRef) null));
    rejected("ref", "null", () -> reg.find(null));
    rejected("ref", "null", () -> reg.download((ModelRef) null, tmp));
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    rejected("targetDir", file, () -> reg.download("m@1", file));
  }

  @Test
  void failedPromotionChangesNothing() throws IOException {
    register("m", "a");
    var r = reg.promote("m@1", "staging", Gate.metric("auc").atLeast(0.5));
    assertThat(r.promoted()).isFalse();
    assertThat(reg.resolve("m@1").stage()).isEqualTo("None");
    assertThat(reg.history("m")).hasSize(1);
  }
}
