package dev.mlops.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.InvalidInputException;
import dev.mlops.Mlops;
import dev.mlops.NotFoundException;
import dev.mlops.registry.AuditEvent;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random sequences of registrations, deletions, stage and alias moves, including invalid and
 * unknown targets, checked after every step against a plain in-memory model of the rules: numbers
 * never reused, one holder per stage (previous holder archived), aliases unique and gone with their
 * version, latest = highest live number, a rejected call adds no audit event.
 */
class RegistryModelCheckTest {
  @TempDir Path tmp;

  static final String[] STAGES = {
    "production", "Staging", "canary", "None", "archived", "bad stage"
  };
  static final String[] ALIASES = {"champion", "challenger", "latest", "v2"};

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 42})
  void randomOperationsFollowTheRules(long seed) throws Exception {
    Random rnd = new Random(seed);
    try (Mlops m = Mlops.open(tmp.resolve("home"))) {
      ModelRegistry reg = m.registry();
      Map<Integer, String> stage = new TreeMap<>(); // live version -> stage
      Map<String, Integer> alias = new HashMap<>();
      int last = 0;
      Path f = Files.writeString(tmp.resolve("w.bin"), "w");
      for (int step = 0; step < 60; step++) {
        String msg = "seed " + seed + " step " + step;
        int events = history(reg).size();
        int op = rnd.nextInt(5);
        int v = rnd.nextInt(last + 2); // 0 and last+1 are never live
        boolean rejected = false;
        try {
          if (op == 0 || last == 0) {
            ModelVersion nv = reg.register("m", ModelSource.ofPath(f));
            assertThat(nv.version()).as(msg).isEqualTo(++last);
            stage.put(last, "None");
          } else if (op == 1) {
            String s = STAGES[rnd.nextInt(STAGES.length)];
            reg.assignStage("m", v, s);
            String canon = canonical(s);
            String key = canon.toLowerCase();
            if (!key.equals("none") && !key.equals("archived")) {
              for (Map.Entry<Integer, String> e : stage.entrySet()) {
                if (e.getKey() != v && e.getValue().equalsIgnoreCase(canon)) {
                  e.setValue("Archived");
                }
              }
            }
            if (!stage.get(v).equalsIgnoreCase(canon)) {
              stage.put(v, canon);
            }
          } else if (op == 2) {
            String a = ALIASES[rnd.nextInt(ALIASES.length)];
            reg.setAlias("m", a, v);
            if (!stage.containsKey(v)) {
              throw new AssertionError(msg + ": alias on a dead version accepted");
            }
            alias.put(a, v);
          } else if (op == 3) {
            reg.deleteVersion("m", v);
            stage.remove(v);
            alias.values().removeIf(x -> x == v);
          } else {
            String a = ALIASES[rnd.nextInt(ALIASES.length)];
            reg.deleteAlias("m", a);
            alias.remove(a);
          }
        } catch (InvalidInputException | NotFoundException e) {
          rejected = true;
          assertThat(history(reg)).as(msg + " " + e).hasSize(events);
        }
        // expected rejections
        if (op == 1 && !rejected) {
          assertThat(v).as(msg).isBetween(1, last);
        }
        // state check
        List<ModelVersion> vs = liveVersions(reg);
        assertThat(vs)
            .extracting(ModelVersion::version)
            .as(msg)
            .containsExactlyElementsOf(stage.keySet());
        for (ModelVersion x : vs) {
          assertThat(x.stage())
              .as(msg + " v" + x.version())
              .isEqualToIgnoringCase(stage.get(x.version()));
        }
        for (String s : List.of("Production", "Staging", "canary")) {
          assertThat(vs.stream().filter(x -> x.stage().equalsIgnoreCase(s)).count())
              .as(msg + " " + s)
              .isLessThanOrEqualTo(1);
        }
        for (String a : ALIASES) {
          Optional<Integer> want = Optional.ofNullable(alias.get(a));
          Optional<Integer> got = Optional.empty();
          try {
            got = Optional.of(reg.resolve("m@" + a).version());
          } catch (NotFoundException | InvalidInputException e) {
            // none
          }
          if (a.equals("latest")) {
            want =
                stage.isEmpty()
                    ? Optional.empty()
                    : Optional.of(((TreeMap<Integer, String>) stage).lastKey());
          } else if (a.equals("v2")) {
            want = stage.containsKey(2) ? Optional.of(2) : Optional.empty();
          }
          assertThat(got).as(msg + " @" + a).isEqualTo(want);
        }
      }
    }
  }

  static String canonical(String s) {
    switch (s.toLowerCase()) {
      case "production":
        return "Production";
      case "staging":
        return "Staging";
      case "none":
        return "None";
      case "archived":
        return "Archived";
      default:
        return s;
    }
  }

  static List<AuditEvent> history(ModelRegistry reg) {
    try {
      return reg.history("m");
    } catch (NotFoundException e) {
      return List.of();
    }
  }

  static List<ModelVersion> liveVersions(ModelRegistry reg) {
    try {
      return reg.versions("m");
    } catch (NotFoundException e) {
      return List.of();
    }
  }
}
