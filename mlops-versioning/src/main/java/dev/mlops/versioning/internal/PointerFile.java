package dev.mlops.versioning.internal;

import dev.mlops.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .dvc} pointer file: its outputs, read from DVC 2 or DVC 3 files and written in DVC 3
 * form with DVC's key order. Immutable.
 *
 * @param file the pointer file (absolute)
 * @param outs its outputs
 */
public record PointerFile(Path file, List<Out> outs) {
  public PointerFile {
    outs = List.copyOf(outs);
  }

  /**
   * One output.
   *
   * @param path path as written (relative to the pointer's folder and {@code wdir})
   * @param absolute the output's absolute path
   * @param md5 the object id ({@code .dir} suffix for folders)
   * @param size bytes, or -1 if not recorded
   * @param nfiles files of a folder, or -1
   * @param legacy no {@code hash: md5}: a DVC 2 {@code md5-dos2unix} output
   * @param cached whether DVC caches it ({@code cache: false} otherwise)
   */
  public record Out(
      String path,
      Path absolute,
      String md5,
      long size,
      int nfiles,
      boolean legacy,
      boolean cached) {
    public boolean isDir() {
      return md5 != null && md5.endsWith(".dir");
    }
  }

  /**
   * Reads a pointer file.
   *
   * @throws InvalidInputException naming the file and line when it is malformed
   */
  public static PointerFile read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new dev.mlops.StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Yaml.Node root = Yaml.parse(file, bytes);
    if (root.map() == null) {
      throw Yaml.error(file, root.line(), root.text(), "a mapping with an 'outs' list");
    }
    Path base = file.toAbsolutePath().getParent();
    Yaml.Node wdir = root.map().get("wdir");
    if (wdir != null && wdir.text() != null) {
      base = base.resolve(wdir.text()).normalize();
    }
    Yaml.Node outsNode = root.map().get("outs");
    if (outsNode == null || outsNode.list() == null) {
      int line = outsNode == null ? root.line() : outsNode.line();
      throw Yaml.error(file, line, outsNode == null ? null : outsNode.text(), "an 'outs' list");
    }
    List<Out> outs = new ArrayList<>();
    for (Yaml.Node o : outsNode.list()) {
      outs.add(readOut(file, base, o));
    }
    return new PointerFile(file, outs);
  }

  static Out readOut(Path file, Path base, Yaml.Node o) {
    Map<String, Yaml.Node> m = o.map();
    if (m == null) {
      throw Yaml.error(file, o.line(), o.text(), "an output mapping with 'path' and 'md5'");
    }
    Yaml.Node path = m.get("path");
    if (path == null || path.text() == null || path.text().isEmpty()) {
      throw Yaml.error(file, o.line(), path == null ? null : path.text(), "an output 'path'");
    }
    Yaml.Node hash = m.get("hash");
    boolean legacy = hash == null;
    if (hash != null && !"md5".equals(hash.text())) {
      throw Yaml.error(file, hash.line(), hash.text(), "'hash: md5' (the only hash DVC supports)");
    }
    Yaml.Node cache = m.get("cache");
    boolean cached = cache == null || !Boolean.FALSE.equals(cache.value());
    Yaml.Node md5 = m.get("md5");
    String oid = null;
    if (md5 != null) {
      oid = md5.text();
      if (!Hashing.isOid(oid)) {
        throw Yaml.error(
            file, md5.line(), oid, "an MD5 of 32 lowercase hex digits, optionally + .dir");
      }
    }
    long size = number(file, m.get("size"), "size");
    long nfiles = number(file, m.get("nfiles"), "nfiles");
    String p = path.text();
    if (p.startsWith("/") || p.contains("\\")) {
      throw Yaml.error(file, path.line(), p, "a relative path with / separators");
    }
    return new Out(p, base.resolve(p).normalize(), oid, size, (int) nfiles, legacy, cached);
  }

  private static long number(Path file, Yaml.Node n, String key) {
    if (n == null || n.value() == null) {
      return -1;
    }
    if (!(n.value() instanceof Number) || ((Number) n.value()).longValue() < 0) {
      throw Yaml.error(file, n.line(), n.text(), "'" + key + "' as a non-negative integer");
    }
    return ((Number) n.value()).longValue();
  }

  /** DVC 3 YAML of one output, keys in the order DVC writes them. */
  public static byte[] render(String path, String md5, long size, int nfiles) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("md5", md5);
    out.put("size", size);
    if (md5.endsWith(".dir")) {
      out.put("nfiles", nfiles);
    }
    out.put("hash", "md5");
    out.put("path", path);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("outs", List.of(out));
    try {
      return Yaml.WRITER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
