package dev.mlops.versioning.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the outputs recorded in a {@code dvc.lock} (schema 2.0, DVC 2 or 3 entries). */
public final class LockFile {
  private LockFile() {}

  /**
   * The outputs of every stage, paths resolved against the lock file's folder and the stage's
   * {@code wdir}.
   *
   * @throws dev.mlops.InvalidInputException naming the file and line when it is malformed
   */
  public static List<PointerFile.Out> outs(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new dev.mlops.StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Yaml.Node root = Yaml.parse(file, bytes);
    List<PointerFile.Out> out = new ArrayList<>();
    if (root.value() == null) {
      return out;
    }
    if (root.map() == null) {
      throw Yaml.error(file, root.line(), root.text(), "a mapping with 'schema' and 'stages'");
    }
    Yaml.Node stages = root.map().get("stages");
    if (stages == null || stages.value() == null) {
      return out;
    }
    if (stages.map() == null) {
      throw Yaml.error(file, stages.line(), stages.text(), "'stages' as a mapping of stage names");
    }
    Path base = file.toAbsolutePath().getParent();
    for (Map.Entry<String, Yaml.Node> s : stages.map().entrySet()) {
      Map<String, Yaml.Node> stage = s.getValue().map();
      if (stage == null) {
        throw Yaml.error(file, s.getValue().line(), s.getKey(), "a stage mapping");
      }
      Path dir = base;
      Yaml.Node wdir = stage.get("wdir");
      if (wdir != null && wdir.text() != null) {
        dir = base.resolve(wdir.text()).normalize();
      }
      Yaml.Node outs = stage.get("outs");
      if (outs == null) {
        continue;
      }
      if (outs.list() == null) {
        throw Yaml.error(file, outs.line(), outs.text(), "'outs' as a list");
      }
      for (Yaml.Node o : outs.list()) {
        out.add(PointerFile.readOut(file, dir, o));
      }
    }
    return out;
  }
}
