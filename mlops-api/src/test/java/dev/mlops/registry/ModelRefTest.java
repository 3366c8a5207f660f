package dev.mlops.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.mlops.InvalidInputException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRefTest {

  @ParameterizedTest
  @CsvSource({
    "churn@3, churn, VERSION, 3",
    "churn@v3, churn, VERSION, 3",
    "churn@007, churn, VERSION, 7",
    "churn@v1.2.0, churn, SEMVER, v1.2.0",
    "churn@1.2.0, churn, SEMVER, v1.2.0",
    "churn@v1.2.0-rc.1+build.5, churn, SEMVER, v1.2.0-rc.1+build.5",
    "churn@latest, churn, LATEST, latest",
    "churn@LATEST, churn, LATEST, latest",
    "churn, churn, LATEST, latest",
    "churn@champion, churn, ALIAS, champion",
    "churn@my_alias-2, churn, ALIAS, my_alias-2",
    "churn#production, churn, STAGE, Production",
    "churn#Staging, churn, STAGE, Staging",
    "churn#canary-eu, churn, STAGE, canary-eu",
    "models:/churn/3, churn, VERSION, 3",
    "models:/churn/latest, churn, LATEST, latest",
    "models:/churn/Production, churn, STAGE, Production",
    "models:/churn@champion, churn, ALIAS, champion",
    "models:/my.model-2/12, my.model-2, VERSION, 12",
  })
  void parsesEveryForm(String text, String name, ModelRef.Kind kind, String selector) {
    ModelRef ref = ModelRef.parse(text);
    assertThat(ref.name()).isEqualTo(name);
    assertThat(ref.kind()).isEqualTo(kind);
    assertThat(ref.selector()).isEqualTo(selector);
    assertThat(ModelRef.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void versionNumberOnlyForVersionRefs() {
    assertThat(ModelRef.parse("m@4").versionNumber()).hasValue(4);
    assertThat(ModelRef.parse("m#staging").versionNumber()).isEmpty();
    assertThat(ModelRef.version("m", 2).toString()).isEqualTo("m@2");
    assertThat(ModelRef.stage("m", "PRODUCTION")).isEqualTo(ModelRef.parse("m#production"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "@3",
        "#prod",
        "churn@",
        "churn#",
        "churn@0",
        "churn@v0",
        "churn@3#prod",
        "../etc@3",
        "a/b@3",
        "churn@v1.2",
        "churn@v01.2.3",
        "churn@al.ias",
        "churn#pro duction",
        "models:/churn",
        "models:/churn/",
        "models:/churn/3/4",
        "models:/@alias",
        "models:/churn@a/b",
        "-churn@1",
        "churn-@1",
        "a..b@1",
        "churn@99999999999",
        " churn@1",
        "churn@1 ",
        "chürn@1",
      })
  void rejectsMalformed(String text) {
    assertThatThrownBy(() -> ModelRef.parse(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected a model reference");
  }

  @Test
  void rejectsNullAndTooLongNames() {
    assertThatThrownBy(() -> ModelRef.parse(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ModelRef.parse("a".repeat(257) + "@1"))
        .isInstanceOf(InvalidInputException.class);
    assertThat(ModelRef.parse("a".repeat(256) + "@1").name()).hasSize(256);
  }

  @Test
  void reservedAliasesRejected() {
    for (String a : new String[] {"latest", "Latest", "v3", "V12", "42", "", "a.b"}) {
      assertThatThrownBy(() -> ModelRef.validateAlias(a))
          .as(a)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("alias");
    }
    assertThat(ModelRef.validateAlias("champion")).isEqualTo("champion");
  }

  /** Random strings over the ref alphabet: parse either succeeds consistently or says why. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234, 987654321})
  void randomRefsNeverCrash(long seed) {
    Random rnd = new Random(seed);
    String alphabet = "abcXYZ019@#/:._- vVmodels:/\u00e9\u0000\n";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(24);
      if (rnd.nextInt(4) == 0) {
        sb.append("models:/");
      }
      for (int j = 0; j < len; j++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String text = sb.toString();
      try {
        ModelRef ref = ModelRef.parse(text);
        assertThat(ModelRef.parse(ref.toString()))
            .as("seed %d, input '%s'", seed, text)
            .isEqualTo(ref);
        assertThat(ref.name()).as("seed %d, input '%s'", seed, text).matches("[A-Za-z0-9._-]+");
      } catch (InvalidInputException e) {
        assertThat(e.getMessage())
            .as("seed %d, input '%s'", seed, text)
            .contains("expected a model reference");
        assertThat(e.field()).as("seed %d", seed).isEqualTo("ref");
      } catch (RuntimeException e) {
        fail("seed " + seed + ", input '" + text + "': unexpected " + e, e);
      }
    }
  }
}
