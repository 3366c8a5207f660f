package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.AlreadyExistsException;
import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.registry.AuditEvent;
import dev.mlops.registry.ModelFiles;
import dev.mlops.registry.ModelQuery;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSignature;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.RegisterOptions;
import dev.mlops.registry.RegisteredModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
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
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/params.json"), "{\"c\":\"" + content + "\"}");
    return dir;
  }

  ModelVersion register(String name, String content) throws IOException {
    return reg.register(name, ModelSource.ofPath(model(content)));
  }

  @Test
  void versionsStartAtOneAndAreNeverReused() throws IOException {
    assertThat(register("churn", "a").version()).isEqualTo(1);
    assertThat(register("churn", "b").version()).isEqualTo(2);
    assertThat(register("other", "c").version()).isEqualTo(1);
    reg.deleteVersion("churn", 2);
    assertThat(register("churn", "d").version()).isEqualTo(3);
    assertThat(reg.versions("churn")).extracting(ModelVersion::version).containsExactly(1, 3);
    assertThatThrownBy(() -> reg.resolve("churn@2"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no live version 2");
    reg.deleteModel("churn");
    assertThatThrownBy(() -> reg.resolve("churn@latest"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("deleted");
    assertThat(reg.models()).extracting(RegisteredModel::name).containsExactly("other");
    assertThat(register("churn", "e").version()).isEqualTo(4);
    assertThat(reg.versions("churn")).extracting(ModelVersion::version).containsExactly(4);
  }

  @Test
  void registeredVersionCarriesSourceDigestAndTags() throws IOException {
    Path dir = model("w1");
    ModelVersion v =
        reg.register(
            "churn",
            ModelSource.ofPath(dir),
            RegisterOptions.builder()
                .semver("1.2.0")
                .description("gbm")
                .tag("team", "growth")
                .signature(
                    ModelSignature.of(
                        List.of(ModelSignature.Column.of("age", "double")),
                        List.of(ModelSignature.Column.of("score", "double"))))
                .build());
    assertThat(v.name()).isEqualTo("churn");
    assertThat(v.stage()).isEqualTo("None");
    assertThat(v.aliases()).isEmpty();
    assertThat(v.runId()).isEmpty();
    assertThat(v.source()).isEqualTo(dir.toUri().toString());
    assertThat(v.digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(v.tags()).isEqualTo(Map.of("team", "growth"));
    assertThat(reg.resolve("churn@v1.2.0")).isEqualTo(v);
    var d = reg.details("churn@1");
    assertThat(d.semver()).hasValue("v1.2.0");
    assertThat(d.description()).isEqualTo("gbm");
    assertThat(d.fileCount()).isEqualTo(2);
    assertThat(d.signature().orElseThrow().inputs())
        .containsExactly(ModelSignature.Column.of("age", "double"));
    // identical content, identical digest (content-addressed)
    assertThat(reg.register("copy", ModelSource.ofPath(dir)).digest()).isEqualTo(v.digest());
    assertThatThrownBy(
            () ->
                reg.register(
                    "churn",
                    ModelSource.ofPath(dir),
                    RegisterOptions.builder().semver("v1.2.0").build()))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(reg.versions("churn")).hasSize(1);
  }

  @Test
  void rejectedRegistrationCopiesNoFiles() throws IOException {
    reg.register(
        "churn",
        ModelSource.ofPath(model("a")),
        RegisterOptions.builder().semver("v1.0.0").build());
    List<Path> before;
    try (var s = Files.walk(tmp.resolve("home/models"))) {
      before = s.filter(Files::isRegularFile).sorted().toList();
    }
    assertThatThrownBy(
            () ->
                reg.register(
                    "churn",
                    ModelSource.ofPath(model("other content")),
                    RegisterOptions.builder().semver("v1.0.0").build()))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("v1.0.0");
    try (var s = Files.walk(tmp.resolve("home/models"))) {
      assertThat(s.filter(Files::isRegularFile).sorted().toList()).isEqualTo(before);
    }
    assertThat(reg.history("churn")).hasSize(1);
  }

  @Test
  void sharedStagesResolveToTheNewestVersion() throws IOException {
    register("churn", "a");
    register("churn", "b");
    register("churn", "c");
    assertThat(reg.resolve("churn#none").version()).isEqualTo(3);
    reg.assignStage("churn", 3, "archived");
    reg.assignStage("churn", 1, "archived");
    assertThat(reg.resolve("churn#None").version()).isEqualTo(2);
    assertThat(reg.resolve("churn#archived").version()).as("most recently archived").isEqualTo(1);
  }

  @Test
  void everyRefFormResolves() throws IOException {
    ModelVersion v1 =
        reg.register(
            "churn",
            ModelSource.ofPath(model("a")),
            RegisterOptions.builder().semver("v1.0.0").build());
    ModelVersion v2 = register("churn", "b");
    ModelVersion v3 = register("churn", "c");
    reg.assignStage("churn", 2, "production");
    reg.setAlias("churn", "champion", 1);
    assertThat(reg.resolve("churn@2").version()).isEqualTo(2);
    assertThat(reg.resolve("churn@v2").version()).isEqualTo(2);
    assertThat(reg.resolve("churn@v1.0.0").version()).isEqualTo(v1.version());
    assertThat(reg.resolve("churn@latest").version()).isEqualTo(v3.version());
    assertThat(reg.resolve("churn").version()).isEqualTo(3);
    assertThat(reg.resolve("churn@champion").version()).isEqualTo(1);
    assertThat(reg.resolve("churn#production").version()).isEqualTo(v2.version());
    assertThat(reg.resolve("churn#Production").stage()).isEqualTo("Production");
    assertThat(reg.resolve("models:/churn/3").version()).isEqualTo(3);
    assertThat(reg.resolve("models:/churn/Production").version()).isEqualTo(2);
    assertThat(reg.resolve("models:/churn@champion").version()).isEqualTo(1);
    assertThat(reg.resolve(ModelRef.parse("models:/churn/latest")).version()).isEqualTo(3);
    assertThat(reg.find(ModelRef.parse("churn#staging"))).isEmpty();
    assertThatThrownBy(() -> reg.resolve("churn#staging"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Staging");
    assertThatThrownBy(() -> reg.resolve("nope@1"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no registered model named 'nope'");
    assertThatThrownBy(() -> reg.resolve("churn@ghost"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no alias 'ghost'");
    assertThatThrownBy(() -> reg.resolve("churn@@1")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void stageHeldByOneVersionPreviousArchived() throws IOException {
    register("churn", "a");
    register("churn", "b");
    reg.assignStage("churn", 1, "Production");
    ModelVersion v2 = reg.assignStage("churn", 2, "production", "better auc");
    assertThat(v2.stage()).isEqualTo("Production");
    assertThat(reg.resolve("churn@1").stage()).isEqualTo("Archived");
    assertThat(reg.resolve("churn#production").version()).isEqualTo(2);
    // custom stage names, and a version holds one stage
    reg.assignStage("churn", 2, "canary-eu");
    assertThat(reg.resolve("churn@2").stage()).isEqualTo("canary-eu");
    assertThat(reg.find(ModelRef.parse("churn#production"))).isEmpty();
    // None and Archived are shared
    reg.assignStage("churn", 2, "archived");
    assertThat(reg.versions("churn")).extracting(ModelVersion::stage).containsOnly("Archived");
    assertThat(reg.model("churn").orElseThrow().stages()).isEmpty();
  }

  @Test
  void replacedHolderCanBeClearedByConfig() throws IOException {
    m.close();
    m =
        Mlops.builder()
            .home(tmp.resolve("home2"))
            .property("registry.stage.replaced", "none")
            .build();
    reg = m.registry();
    register("churn", "a");
    register("churn", "b");
    reg.assignStage("churn", 1, "staging");
    reg.assignStage("churn", 2, "staging");
    assertThat(reg.resolve("churn@1").stage()).isEqualTo("None");
  }

  @Test
  void nonExclusiveStagesResolveToMostRecentAssignment() throws IOException {
    m.close();
    m =
        Mlops.builder()
            .home(tmp.resolve("home3"))
            .property("registry.stage.exclusive", "false")
            .build();
    reg = m.registry();
    register("churn", "a");
    register("churn", "b");
    reg.assignStage("churn", 2, "production");
    reg.assignStage("churn", 1, "production");
    assertThat(reg.search(ModelQuery.name("churn").stage("production"))).hasSize(2);
    assertThat(reg.resolve("churn#production").version()).isEqualTo(1);
  }

  @Test
  void aliasesAreUniqueMoveAndReservedNamesRejected() throws IOException {
    register("churn", "a");
    register("churn", "b");
    reg.setAlias("churn", "champion", 1);
    ModelVersion moved = reg.setAlias("churn", "champion", 2);
    assertThat(moved.aliases()).containsExactly("champion");
    assertThat(reg.resolve("churn@1").aliases()).isEmpty();
    assertThat(reg.model("churn").orElseThrow().aliases()).isEqualTo(Map.of("champion", 2));
    for (String bad : new String[] {"latest", "LATEST", "v2", "12", "a.b", "", "a/b"}) {
      assertThatThrownBy(() -> reg.setAlias("churn", bad, 1))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("alias");
    }
    assertThatThrownBy(() -> reg.setAlias("churn", "x", 9)).isInstanceOf(NotFoundException.class);
    reg.deleteVersion("churn", 2);
    assertThat(reg.find(ModelRef.parse("churn@champion"))).isEmpty();
    assertThatThrownBy(() -> reg.deleteAlias("churn", "champion"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void invalidNamesRejectedAndNothingChanges() throws IOException {
    Path dir = model("a");
    for (String bad : new String[] {"", "a/b", "../x", "a\\b", "x".repeat(257), "-a", "a b", "é"}) {
      assertThatThrownBy(() -> reg.register(bad, ModelSource.ofPath(dir)))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("model name");
    }
    assertThatThrownBy(() -> reg.register("ok", ModelSource.ofPath(tmp.resolve("missing"))))
        .isInstanceOf(InvalidInputException.class);
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> reg.register("ok", ModelSource.ofPath(empty)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> reg.register("ok", null)).isInstanceOf(InvalidInputException.class);
    assertThat(reg.models()).isEmpty();
    register("ok", "x");
    assertThatThrownBy(() -> reg.assignStage("ok", 1, "prod uction"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> reg.assignStage("ok", 0, "staging"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> reg.assignStage("ok", 5, "staging"))
        .isInstanceOf(NotFoundException.class);
    assertThat(reg.history("ok")).hasSize(1);
    assertThat(reg.resolve("ok@1").stage()).isEqualTo("None");
  }

  @Test
  void historyIsAnOrderedAuditTrail() throws IOException {
    register("churn", "a");
    register("churn", "b");
    reg.assignStage("churn", 1, "production", "first");
    reg.assignStage("churn", 2, "production", "retrained");
    reg.setAlias("churn", "champion", 2);
    reg.setAlias("churn", "champion", 1);
    reg.setTag("churn@1", "owner", "bob");
    reg.deleteVersion("churn", 2);
    reg.deleteModel("churn");
    List<AuditEvent> h = reg.history("churn");
    assertThat(h)
        .extracting(AuditEvent::action)
        .containsExactly(
            AuditEvent.Action.REGISTERED,
            AuditEvent.Action.REGISTERED,
            AuditEvent.Action.STAGE_CHANGED,
            AuditEvent.Action.STAGE_CHANGED, // v1 archived
            AuditEvent.Action.STAGE_CHANGED, // v2 production
            AuditEvent.Action.ALIAS_SET,
            AuditEvent.Action.ALIAS_SET,
            AuditEvent.Action.TAG_SET,
            AuditEvent.Action.VERSION_DELETED,
            AuditEvent.Action.VERSION_DELETED,
            AuditEvent.Action.MODEL_DELETED);
    assertThat(h).extracting(AuditEvent::sequence).isSorted();
    assertThat(h).extracting(AuditEvent::actor).containsOnly("alice");
    AuditEvent promoted = h.get(4);
    assertThat(promoted.version()).isEqualTo(2);
    assertThat(promoted.from()).isEqualTo("None");
    assertThat(promoted.to()).isEqualTo("Production");
    assertThat(promoted.reason()).isEqualTo("retrained");
    assertThat(h.get(3).from()).isEqualTo("Production");
    assertThat(h.get(3).to()).isEqualTo("Archived");
    assertThat(h.get(6).from()).isEqualTo("champion=2");
    assertThat(h.get(6).to()).isEqualTo("champion=1");
    assertThat(h.get(0).at()).isBeforeOrEqualTo(h.get(10).at());
    assertThatThrownBy(() -> reg.history("never")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void downloadCopiesFilesAndRefusesCorruption() throws IOException {
    ModelVersion v = register("churn", "weights-1");
    Path out = reg.download("churn@1", tmp.resolve("out"));
    assertThat(Files.readString(out.resolve("weights.bin"))).isEqualTo("weights-1");
    assertThat(Files.readString(out.resolve("conf/params.json"))).contains("weights-1");
    ModelFiles files = reg.open("churn@1");
    assertThat(files.files()).containsExactly("conf/params.json", "weights.bin");
    try (InputStream in = files.open("weights.bin")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights-1");
    }
    assertThatThrownBy(() -> files.path("nope")).isInstanceOf(NotFoundException.class);
    // corrupt the stored copy
    Path stored = new ModelStore(tmp.resolve("home/models")).folder(v.digest());
    Files.writeString(stored.resolve("weights.bin"), "tampered!");
    Path out2 = tmp.resolve("out2");
    assertThatThrownBy(() -> reg.download("churn@1", out2))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("weights.bin")
        .hasMessageContaining("corrupt");
    assertThat(Files.list(out2)).isEmpty();
    assertThatThrownBy(() -> reg.open("churn@1")).isInstanceOf(StoreException.class);
    // an extra file is also refused by open()
    Files.writeString(stored.resolve("weights.bin"), "weights-1");
    Files.writeString(stored.resolve("extra.txt"), "x");
    assertThatThrownBy(() -> reg.open("churn@1")).isInstanceOf(StoreException.class);
  }

  @Test
  void singleFileModelAndDigestDefinition() throws IOException {
    Path f = tmp.resolve("model.onnx");
    Files.writeString(f, "abc");
    ModelVersion v = reg.register("onnx", ModelSource.ofPath(f));
    // manifest [{"path":"model.onnx","sha256":sha256("abc"),"size":3}]
    String manifest =
        "[{\"path\":\"model.onnx\",\"sha256\":"
            + "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\"size\":3}]";
    String expected = ModelStore.digestOf(ModelStore.parseManifest(manifest));
    assertThat(v.digest()).isEqualTo(expected);
    assertThat(ModelStore.toJson(ModelStore.parseManifest(manifest))).isEqualTo(manifest);
    Path out = reg.download("onnx@latest", tmp.resolve("dl"));
    assertThat(Files.readString(out.resolve("model.onnx"))).isEqualTo("abc");
  }

  @Test
  void searchByNameGlobTagAndStage() throws IOException {
    reg.register(
        "churn-eu",
        ModelSource.ofPath(model("1")),
        RegisterOptions.builder().tag("team", "growth").build());
    reg.register(
        "churn-us",
        ModelSource.ofPath(model("2")),
        RegisterOptions.builder().tag("team", "risk").build());
    reg.register(
        "fraud",
        ModelSource.ofPath(model("3")),
        RegisterOptions.builder().tag("team", "growth").build());
    reg.assignStage("churn-us", 1, "staging");
    assertThat(reg.search(ModelQuery.name("churn-*")))
        .extracting(ModelVersion::name)
        .containsExactly("churn-eu", "churn-us");
    assertThat(reg.search(ModelQuery.all().tag("team", "growth")))
        .extracting(ModelVersion::name)
        .containsExactly("churn-eu", "fraud");
    assertThat(reg.search(ModelQuery.name("churn?us").stage("Staging"))).hasSize(1);
    assertThat(reg.search(ModelQuery.name("*").tag("team", "none"))).isEmpty();
    assertThat(reg.models())
        .extracting(RegisteredModel::name)
        .containsExactly("churn-eu", "churn-us", "fraud");
    assertThat(reg.model("churn-us").orElseThrow().stages()).isEqualTo(Map.of("Staging", 1));
    assertThatThrownBy(() -> ModelQuery.name("a%")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void stateSurvivesReopen() throws IOException {
    register("churn", "a");
    reg.assignStage("churn", 1, "production");
    reg.setAlias("churn", "champion", 1);
    m.close();
    m = Mlops.open(tmp.resolve("home"));
    reg = m.registry();
    ModelVersion v = reg.resolve("churn#production");
    assertThat(v.aliases()).containsExactly("champion");
    assertThat(
            Files.readString(
                reg.download("churn@champion", tmp.resolve("o")).resolve("weights.bin")))
        .isEqualTo("a");
  }
}
