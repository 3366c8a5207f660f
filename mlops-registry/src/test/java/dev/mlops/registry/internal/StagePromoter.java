package dev.mlops.registry.internal;

import dev.mlops.Mlops;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSource;
import java.nio.file.Path;

/** Child-process body for {@link RegistryProcessIT}: promotes its versions in a loop. */
public final class StagePromoter {
  private StagePromoter() {}

  public static void main(String[] args) {
    Path home = Path.of(args[0]);
    int first = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    Path file = Path.of(args[4]);
    try (Mlops m = Mlops.builder().home(home).property("user", "child-" + first).build()) {
      ModelRegistry reg = m.registry();
      for (int r = 0; r < rounds; r++) {
        for (int v = first; v < first + count; v++) {
          reg.assignStage("churn", v, "production", "process " + first);
          reg.setAlias("churn", "champion", v);
        }
        reg.register("churn", ModelSource.ofPath(file));
      }
    }
  }
}
