package dev.mlops.pipeline.internal;

import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code status} needs of a pipeline that does not depend on the workspace, computed once per
 * pipeline and base folder (a {@link Pipeline} is immutable): the stages in topological order with
 * their paths resolved, the deps that would be warned about when missing, and the lock entries seen
 * per stage for the last lock file read. Thread-safe.
 */
final class StatusPlan {
  /** A dep that no stage produces: warned about when it does not exist. */
  record Unproduced(int slot, Path abs, String warning) {}

  /** Per-stage views of one parsed lock file (identified by the map instance). */
  private static final class Bound {
    final Map<String, Map<String, Object>> lock;
    final Detector.LockView[] views;

    Bound(Map<String, Map<String, Object>> lock, Detector.LockView[] views) {
      this.lock = lock;
      this.views = views;
    }
  }

  private final Path base;
  private final Detector.Planned[] stages;
  private final int slots;
  private final List<Unproduced> unproduced;
  private volatile Bound bound;

  StatusPlan(Pipeline p, Path base) {
    this.base = base;
    Map<Path, Integer> slotOf = new HashMap<>();
    List<String> order = p.topologicalOrder();
    this.stages = new Detector.Planned[order.size()];
    Map<String, Detector.Planned> byName = new HashMap<>();
    for (int i = 0; i < stages.length; i++) {
      stages[i] = Detector.Planned.of(base, p.stage(order.get(i)), slotOf);
      byName.put(order.get(i), stages[i]);
    }
    TreeSet<String> produced = new TreeSet<>();
    for (Stage s : p.stages().values()) {
      for (Output o : s.outputs()) {
        produced.add(Pipeline.resolve(s, o.path()));
      }
    }
    List<Unproduced> u = new ArrayList<>();
    for (Stage s : p.stages().values()) {
      Detector.Planned ps = byName.get(s.name());
      for (int i = 0; i < s.deps().size(); i++) {
        String dep = s.deps().get(i);
        if (!Pipeline.overlapsAny(produced, Pipeline.resolve(s, dep))) {
          u.add(
              new Unproduced(
                  ps.depSlot(i),
                  ps.depPath(i),
                  "stage "
                      + s.name()
                      + ": dep "
                      + dep
                      + " does not exist and no stage produces it"));
        }
      }
    }
    this.unproduced = List.copyOf(u);
    this.slots = slotOf.size();
  }

  Path base() {
    return base;
  }

  int size() {
    return stages.length;
  }

  Detector.Planned stage(int i) {
    return stages[i];
  }

  /** Slots in the path table (distinct dep and out paths). */
  int slots() {
    return slots;
  }

  List<Unproduced> unproduced() {
    return unproduced;
  }

  /** Each stage's view of {@code lock} (null for a stage it lacks), computed once per lock. */
  Detector.LockView[] views(Map<String, Map<String, Object>> lock) {
    Bound b = bound;
    if (b != null && b.lock == lock) {
      return b.views;
    }
    Detector.LockView[] views = new Detector.LockView[stages.length];
    for (int i = 0; i < stages.length; i++) {
      Map<String, Object> entry = lock.get(stages[i].stage().name());
      views[i] = entry == null ? null : Detector.LockView.of(stages[i], entry);
    }
    bound = new Bound(lock, views);
    return views;
  }
}
