package dev.mlops.pipeline.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lock file of one repro: entries read at the start, updated per stage, the whole file
 * rewritten atomically after each update. Entries that were in the file keep their place; new ones
 * follow in topological order. Thread-safe.
 */
final class LockStore {
  private final Path file;
  private final Map<String, Map<String, Object>> existing;
  private final TreeMap<Integer, String> added = new TreeMap<>();
  private final Map<String, Map<String, Object>> addedEntries = new LinkedHashMap<>();
  private final List<String> order;

  LockStore(Path file, List<String> topologicalOrder) {
    this.file = file;
    this.existing = LockFile.read(file);
    this.order = topologicalOrder;
  }

  synchronized Map<String, Object> get(String stage) {
    Map<String, Object> e = existing.get(stage);
    return e != null ? e : addedEntries.get(stage);
  }

  synchronized void put(String stage, Map<String, Object> entry) {
    if (existing.containsKey(stage)) {
      existing.put(stage, entry);
    } else {
      int idx = order.indexOf(stage);
      added.put(idx < 0 ? Integer.MAX_VALUE - added.size() : idx, stage);
      addedEntries.put(stage, entry);
    }
    Map<String, Map<String, Object>> all = new LinkedHashMap<>(existing);
    for (String s : added.values()) {
      all.put(s, addedEntries.get(s));
    }
    LockFile.write(file, all);
  }
}
