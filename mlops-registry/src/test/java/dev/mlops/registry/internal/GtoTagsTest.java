package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.registry.GitSyncResult;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.RegisterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GTO tag export and import against a real Git repository (skipped when git is missing). */
class GtoTagsTest {
  @TempDir Path tmp;
  Path repo;

  @BeforeEach
  void gitRepo() throws Exception {
    Assumptions.assumeTrue(gitAvailable(), "the git command is not installed");
    repo = Files.createDirectories(tmp.resolve("repo"));
    git("init", "-q");
    Files.writeString(repo.resolve("README.md"), "models\n");
    git("add", "README.md");
    git("commit", "-q", "-m", "init");
  }

  static boolean gitAvailable() {
    try {
      return new ProcessBuilder("git", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "GIT_AUTHOR_NAME",
                "gto user",
                "GIT_AUTHOR_EMAIL",
                "gto@example.com",
                "GIT_COMMITTER_NAME",
                "gto user",
                "GIT_COMMITTER_EMAIL",
                "gto@example.com"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("git %s: %s", cmd, out).isZero();
    return out;
  }

  List<String> tags() throws Exception {
    String out = git("tag", "-l");
    return out.isBlank() ? List.of() : List.of(out.trim().split("\n"));
  }

  ModelVersion register(ModelRegistry reg, String name, String semver) throws IOException {
    Path f = Files.writeString(tmp.resolve("m-" + name + "-" + System.nanoTime()), name + semver);
    RegisterOptions o =
        semver == null ? RegisterOptions.none() : RegisterOptions.builder().semver(semver).build();
    return reg.register(name, ModelSource.ofPath(f), o);
  }

  @Test
  void exportWritesGtoAnnotatedTagsAndImportReadsThemBack() throws Exception {
    try (Mlops a = Mlops.builder().home(tmp.resolve("a")).property("user", "alice").build();
        Mlops b = Mlops.open(tmp.resolve("b"))) {
      ModelRegistry ra = a.registry();
      register(ra, "churn", "v1.0.0");
      register(ra, "churn", null);
      ra.assignStage("churn", 1, "staging");
      ra.assignStage("churn", 2, "production");

      GitSyncResult first = ra.exportGitTags(repo);
      assertThat(tags())
          .containsExactlyInAnyOrder(
              "churn@v1.0.0", "churn@v0.0.2", "churn#production#1", "churn#staging#2");
      assertThat(first.tags()).hasSize(4);
      // annotated, with GTO's default message, tagger = the registry user
      String tagObject = git("cat-file", "-p", "churn@v1.0.0");
      assertThat(tagObject)
          .contains("type commit")
          .contains("tagger alice")
          .contains("Registering artifact churn version v1.0.0");
      assertThat(git("cat-file", "-p", "churn#production#1"))
          .contains("Assigning stage production to artifact churn version v0.0.2");
      // one version per commit: the two registrations point at different commits
      assertThat(git("rev-parse", "churn@v1.0.0^{commit}"))
          .isNotEqualTo(git("rev-parse", "churn@v0.0.2^{commit}"));
      // nothing new to write the second time
      assertThat(ra.exportGitTags(repo).tags()).isEmpty();

      // a Java user with the same versions sees GTO's stages after import
      ModelRegistry rb = b.registry();
      register(rb, "churn", "v1.0.0");
      register(rb, "churn", null);
      GitSyncResult imported = rb.importGitTags(repo);
      assertThat(imported.tags()).hasSize(4);
      assertThat(rb.resolve("churn#production").version()).isEqualTo(2);
      assertThat(rb.resolve("churn#staging").version()).isEqualTo(1);

      // a GTO user promotes v1.0.0 to production (gto assign writes churn#production#3)
      String v1commit = git("rev-parse", "churn@v1.0.0^{commit}").trim();
      Thread.sleep(1100); // tagger dates have 1 s resolution; GTO orders events by them
      git("tag", "-a", "churn#production#3", "-m", "Assigning stage production", v1commit);
      git("tag", "lightweight-ignored", v1commit);
      rb.importGitTags(repo);
      assertThat(rb.resolve("churn#production").version()).isEqualTo(1);
      assertThat(rb.resolve("churn@2").stage()).isEqualTo("Archived");
      // the same import on the first registry, then its export agrees with Git: nothing to write
      ra.importGitTags(repo);
      assertThat(ra.resolve("churn#production").version()).isEqualTo(1);

      // deleting a version here deregisters it in Git
      ra.deleteVersion("churn", 2);
      GitSyncResult dereg = ra.exportGitTags(repo);
      assertThat(dereg.tags()).anyMatch(t -> t.startsWith("churn@v0.0.2!#"));
      rb.importGitTags(repo);
      assertThat(rb.versions("churn")).extracting(ModelVersion::version).containsExactly(1);
    }
  }

  @Test
  void labelsNeverCollideDeletedSemverIsDeregisteredAndReusedLabelReRegistered() throws Exception {
    try (Mlops a = Mlops.open(tmp.resolve("a"));
        Mlops b = Mlops.open(tmp.resolve("b"))) {
      ModelRegistry ra = a.registry();
      register(ra, "churn", "v0.0.2"); // version 1 carries the label version 2 would default to
      register(ra, "churn", null);
      ra.assignStage("churn", 2, "production");
      register(ra, "my.model", null); // '.' is not allowed in GTO artifact names
      GitSyncResult first = ra.exportGitTags(repo);
      assertThat(tags())
          .containsExactlyInAnyOrder("churn@v0.0.2", "churn@v0.0.2-mlops", "churn#production#1");
      assertThat(first.changes()).anyMatch(c -> c.contains("skipped model 'my.model'"));
      // the stage tag points at version 2's commit, not version 1's
      assertThat(git("rev-parse", "churn#production#1^{commit}"))
          .isEqualTo(git("rev-parse", "churn@v0.0.2-mlops^{commit}"))
          .isNotEqualTo(git("rev-parse", "churn@v0.0.2^{commit}"));
      assertThat(ra.exportGitTags(repo).tags()).isEmpty();

      ModelRegistry rb = b.registry();
      register(rb, "churn", "v0.0.2");
      register(rb, "churn", null);
      rb.importGitTags(repo);
      assertThat(rb.resolve("churn#production").version()).isEqualTo(2);

      // deleting the SemVer-labelled version deregisters its label in Git
      ra.deleteVersion("churn", 1);
      assertThat(ra.exportGitTags(repo).tags()).containsExactly("churn@v0.0.2!#2");
      rb.importGitTags(repo);
      assertThat(rb.versions("churn")).extracting(ModelVersion::version).containsExactly(2);
      // a new version reusing the label is registered again, on its own commit
      register(ra, "churn", "v0.0.2");
      assertThat(ra.exportGitTags(repo).tags()).containsExactly("churn@v0.0.2#3");
      assertThat(git("rev-parse", "churn@v0.0.2#3^{commit}"))
          .isNotEqualTo(git("rev-parse", "churn@v0.0.2^{commit}"));
      assertThat(ra.exportGitTags(repo).tags()).isEmpty();
      GitSyncResult again = ra.importGitTags(repo);
      assertThat(again.changes()).noneMatch(c -> c.startsWith("deleted"));
      assertThat(ra.versions("churn")).extracting(ModelVersion::version).containsExactly(2, 3);
    }
  }

  @Test
  void aDeletedModelIsDeprecatedInGitAndARegistrationRevivesIt() throws Exception {
    try (Mlops a = Mlops.open(tmp.resolve("a"));
        Mlops b = Mlops.open(tmp.resolve("b"))) {
      ModelRegistry ra = a.registry();
      register(ra, "churn", "v1.0.0");
      register(ra, "churn", null);
      ra.assignStage("churn", 2, "production");
      ra.exportGitTags(repo);
      register(ra, "scratch", null);
      ra.deleteModel("scratch"); // never exported: nothing to deprecate in Git

      ra.deleteModel("churn");
      GitSyncResult deleted = ra.exportGitTags(repo);
      assertThat(deleted.tags())
          .containsExactly(
              "churn@v1.0.0!#2", "churn@v0.0.2!#3", "churn#production!#4", "churn@deprecated#5");
      assertThat(deleted.tags()).noneMatch(t -> t.startsWith("scratch"));
      assertThat(git("cat-file", "-p", "churn@deprecated#5"))
          .contains("Deprecating artifact churn");
      assertThat(ra.exportGitTags(repo).tags()).isEmpty();

      // a Java user importing sees GTO's verdict
      ModelRegistry rb = b.registry();
      register(rb, "churn", "v1.0.0");
      assertThat(rb.importGitTags(repo).changes())
          .anyMatch(c -> c.contains("GTO marks 'churn' deprecated"));

      // registering again here revives the artifact in Git, and no second deprecation follows
      // (with a counter, so that it sorts after the deprecation written in the same second)
      register(ra, "churn", "v2.0.0");
      assertThat(ra.exportGitTags(repo).tags()).containsExactly("churn@v2.0.0#6");
      assertThat(ra.exportGitTags(repo).tags()).isEmpty();
      assertThat(rb.importGitTags(repo).changes()).noneMatch(c -> c.contains("deprecated"));
    }
  }

  @Test
  void versionOfATrackedRunIsTaggedOnItsTrainingCommit() throws Exception {
    // the repository is the workspace: tracking records HEAD as mlflow.source.git.commit
    String head = git("rev-parse", "HEAD").trim();
    try (Mlops m = Mlops.open(repo.resolve(".mlops"))) {
      Path model = Files.createDirectories(tmp.resolve("model"));
      Files.writeString(model.resolve("weights.bin"), "w");
      var run = m.tracking().run("churn", r -> r.metric("auc", 0.9).artifact(model));
      ModelVersion v = m.registry().register("churn", ModelSource.ofRun(run.id(), "model"));
      assertThat(m.registry().lineage("churn@1").gitCommit()).isEqualTo(head);
      m.registry().assignStage("churn", v.version(), "production");
      m.registry().exportGitTags(repo);
      assertThat(git("rev-parse", "churn@v0.0.1^{commit}").trim()).isEqualTo(head);
      assertThat(git("rev-parse", "churn#production#1^{commit}").trim()).isEqualTo(head);
    }
  }

  /**
   * Tags a GTO user may write that we cannot map: a stage name with '/' (GTO's name rule allows it,
   * ours does not) is skipped with a note while the rest imports; {@code name@deprecated!} is no
   * GTO tag at all (gto/constants.py tag_re has no '!' after deprecated) and is ignored.
   */
  @Test
  void importSkipsForeignStageNamesAndNonGtoTags() throws Exception {
    try (Mlops a = Mlops.builder().home(tmp.resolve("a")).property("user", "alice").build()) {
      ModelRegistry ra = a.registry();
      register(ra, "churn", "v1.0.0");
      register(ra, "churn", "v1.1.0");
      ra.exportGitTags(repo);
      String c1 = git("rev-parse", "churn@v1.0.0^{commit}").trim();
      String c2 = git("rev-parse", "churn@v1.1.0^{commit}").trim();
      git("tag", "-a", "churn#env/prod#7", "-m", "Assigning stage env/prod", c1);
      git("tag", "-a", "churn#prod#8", "-m", "Assigning stage prod", c2);
      git("tag", "-a", "churn@deprecated!#9", "-m", "not a GTO tag", c2);

      GitSyncResult r = ra.importGitTags(repo);

      assertThat(ra.resolve("churn#prod").version()).isEqualTo(2);
      assertThat(ra.resolve("churn@1").stage()).isEqualTo("None");
      assertThat(r.changes()).anyMatch(c -> c.contains("skipped GTO stage 'env/prod'"));
      assertThat(r.changes()).noneMatch(c -> c.contains("deprecated"));
      assertThat(r.tags()).doesNotContain("churn@deprecated!#9").contains("churn#env/prod#7");
    }
  }

  @Test
  void notARepositoryIsRejected() throws Exception {
    try (Mlops a = Mlops.open(tmp.resolve("a"))) {
      Path plain = Files.createDirectories(tmp.resolve("plain"));
      assertThatThrownBy(() -> a.registry().exportGitTags(plain))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Git repository");
    }
  }
}
