package dev.mlops.tracking.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.spi.RunMetric;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunBody;
import dev.mlops.tracking.RunStatus;
import dev.mlops.versioning.DataVersion;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A run in progress. Thread-safe. */
final class DefaultActiveRun implements ActiveRun {
  private final DefaultTracking tracking;
  private final Run info;
  private final Set<String> checkedKeys = ConcurrentHashMap.newKeySet();
  private volatile RunStatus ended;

  DefaultActiveRun(DefaultTracking tracking, Run info) {
    this.tracking = tracking;
    this.info = info;
  }

  @Override
  public String id() {
    return info.id();
  }

  @Override
  public String experimentId() {
    return info.experimentId();
  }

  @Override
  public String name() {
    return info.name();
  }

  @Override
  public URI artifactUri() {
    return info.artifactUri();
  }

  @Override
  public ActiveRun param(String key, Object value) {
    Validation.key("param key", key);
    tracking.store().logParams(id(), Map.of(key, Validation.paramValue(key, value)));
    return this;
  }

  @Override
  public ActiveRun params(Map<String, ?> params) {
    if (params == null) {
      throw new InvalidInputException("params", null, "a map of param keys to values");
    }
    Map<String, String> checked = new LinkedHashMap<>();
    params.forEach(
        (k, v) -> checked.put(Validation.key("param key", k), Validation.paramValue(k, v)));
    tracking.store().logParams(id(), checked);
    return this;
  }

  @Override
  public ActiveRun metric(String key, double value) {
    return metric(key, value, 0);
  }

  @Override
  public ActiveRun metric(String key, double value, long step) {
    if (key == null || !checkedKeys.contains(key)) {
      Validation.key("metric key", key);
      checkedKeys.add(key);
    }
    tracking
        .writer()
        .append(new RunMetric(info.id(), key, value, step, System.currentTimeMillis()));
    return this;
  }

  @Override
  public ActiveRun tag(String key, String value) {
    Validation.key("tag key", key);
    tracking.store().setTags(id(), Map.of(key, Validation.tagValue(key, value)));
    return this;
  }

  @Override
  public ActiveRun artifact(Path file) {
    return artifact(file, "");
  }

  @Override
  public ActiveRun artifact(Path file, String artifactPath) {
    if (file == null) {
      throw new InvalidInputException("file", null, "a file or folder to copy");
    }
    tracking.artifacts().put(artifactUri(), file, artifactPath);
    return this;
  }

  @Override
  public ActiveRun input(DataVersion data) {
    if (data == null || data.path() == null || data.md5() == null) {
      throw new InvalidInputException("input", data, "a DataVersion with a path and an md5");
    }
    tracking.store().logInputs(id(), List.of(data));
    return this;
  }

  @Override
  public Run child(String name, RunBody body) {
    return tracking.runChild(this, name, body);
  }

  @Override
  public ActiveRun startChild(String name) {
    return tracking.startChild(this, name);
  }

  @Override
  public void flush() {
    tracking.writer().flush();
  }

  @Override
  public Run snapshot() {
    flush();
    return tracking.get(id());
  }

  @Override
  public void end(RunStatus status) {
    if (status == null || !status.isTerminal()) {
      throw new InvalidInputException("status", status, "FINISHED, FAILED or KILLED");
    }
    synchronized (this) {
      if (ended != null) {
        return;
      }
      try {
        flush();
      } finally {
        tracking.store().updateRunStatus(id(), status, System.currentTimeMillis());
        ended = status;
        tracking.ended(this);
      }
    }
  }

  @Override
  public void close() {
    end(RunStatus.FINISHED);
  }

  @Override
  public String toString() {
    return "ActiveRun{" + name() + " " + id() + (ended == null ? "" : " " + ended) + "}";
  }
}
