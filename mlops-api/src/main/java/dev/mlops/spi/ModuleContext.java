package dev.mlops.spi;

import dev.mlops.Mlops;
import dev.mlops.MlopsConfig;
import java.nio.file.Path;
import java.util.Optional;

/** What an implementation module gets from the {@link Mlops} instance that creates it. */
public interface ModuleContext {
  /** The owning instance, to reach other modules through their public API. */
  Mlops mlops();

  /** The resolved configuration. */
  MlopsConfig config();

  /** The home folder (absolute); exists. */
  default Path home() {
    return config().home();
  }

  /** The workspace folder (absolute). */
  default Path workspace() {
    return config().workspace();
  }

  /**
   * The shared home database ({@code <home>/mlops.db}), opened on first use and closed with the
   * instance. Each module keeps its own tables in it, migrated with {@link Database#migrate}.
   */
  Database database();

  /**
   * Another module, if its implementation is on the classpath; created on first use. Use this for
   * optional integration ("when tracking is present ...").
   */
  <M> Optional<M> module(Class<M> api);
}
