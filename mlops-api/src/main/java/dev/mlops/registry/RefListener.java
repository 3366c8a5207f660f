package dev.mlops.registry;

import java.util.Optional;

/**
 * Told when a watched reference starts resolving to another version (a stage or alias moved, a
 * newer version was registered for {@code @latest}, the version was deleted). Called on the
 * registry's watcher thread; must not block for long. An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface RefListener {
  /**
   * @param ref the watched reference
   * @param previous what it resolved to before (empty: nothing)
   * @param current what it resolves to now (empty: nothing, e.g. the stage has no holder)
   */
  void changed(ModelRef ref, Optional<ModelVersion> previous, Optional<ModelVersion> current);
}
