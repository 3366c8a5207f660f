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
   * @param isexec a file with an executable bit ({@code isexec: true}), set again on checkout
   * @param push whether {@code push} sends it to a remote ({@code push: false} otherwise)
   */
  public record Out(
      String path,
      Path absolute,
      String md5,
      long size,
      int nfiles,
      boolean legacy,
      boolean cached,
      boolean isexec,
      boolean push) {
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
    // a backslash is a name character where the separator is '/' (as for DVC on POSIX)
    if (p.startsWith("/")
        || (p.contains("\\") && !"/".equals(base.getFileSystem().getSeparator()))) {
      throw Yaml.error(file, path.line(), p, "a relative path with / separators");
    }
    Yaml.Node isexec = m.get("isexec");
    Yaml.Node push = m.get("push");
    return new Out(
        p,
        base.resolve(p).normalize(),
        oid,
        size,
        (int) nfiles,
        legacy,
        cached,
        isexec != null && Boolean.TRUE.equals(isexec.value()),
        push == null || !Boolean.FALSE.equals(push.value()));
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
    return render(path, md5, size, nfiles, false, null);
  }

  /** Output annotations and flags DVC keeps when {@code dvc add} rewrites a pointer. */
  private static final List<String> KEPT_OUT_KEYS =
      List.of("desc", "type", "labels", "meta", "remote", "push");

  /**
   * DVC 3 YAML of one output, keys in DVC's order ({@code dumpd} in dvc/output.py: hash, size,
   * nfiles, isexec, hash name, path, annotations, remote, push; stage {@code desc} first and {@code
   * meta} last). From {@code previous} (the pointer being replaced, may be null) it keeps what
   * DVC's {@code restore_fields} keeps: the stage's {@code desc} and {@code meta} and, for the same
   * path, the output's {@code desc}, {@code type}, {@code labels}, {@code meta}, {@code remote} and
   * {@code push}.
   */
  static byte[] render(
      String path, String md5, long size, int nfiles, boolean isexec, Yaml.Node previous) {
    Map<String, Yaml.Node> old = previous == null ? null : previous.map();
    Map<String, Yaml.Node> oldOut = null;
    if (old != null && old.get("outs") != null && old.get("outs").list() != null) {
      for (Yaml.Node o : old.get("outs").list()) {
        if (o.map() != null
            && o.map().get("path") != null
            && path.equals(o.map().get("path").text())) {
          oldOut = o.map();
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("md5", md5);
    out.put("size", size);
    if (md5.endsWith(".dir")) {
      out.put("nfiles", nfiles);
    } else if (isexec) {
      out.put("isexec", true);
    }
    out.put("hash", "md5");
    out.put("path", path);
    if (oldOut != null) {
      for (String k : KEPT_OUT_KEYS) {
        Yaml.Node n = oldOut.get(k);
        if (n != null
            && n.value() != null
            && !(k.equals("push") && !Boolean.FALSE.equals(n.value()))) {
          out.put(k, plain(n));
        }
      }
    }
    Map<String, Object> root = new LinkedHashMap<>();
    if (old != null && old.get("desc") != null && old.get("desc").value() != null) {
      root.put("desc", plain(old.get("desc")));
    }
    root.put("outs", List.of(out));
    if (old != null && old.get("meta") != null && old.get("meta").value() != null) {
      root.put("meta", plain(old.get("meta")));
    }
    try {
      return Yaml.WRITER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node as plain maps, lists and scalars (for writing back). */
  private static Object plain(Yaml.Node n) {
    if (n.map() != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.map().forEach((k, v) -> m.put(k, plain(v)));
      return m;
    }
    if (n.list() != null) {
      List<Object> l = new ArrayList<>();
      n.list().forEach(v -> l.add(plain(v)));
      return l;
    }
    return n.value();
  }
}
