package dev.mlops.registry.internal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The content-addressed model store under {@code <home>/models}. Thread-safe and safe across
 * processes (writes go to a temp folder and are renamed into place).
 *
 * <p>Layout: {@code models/sha256/<first 2 hex>/<remaining 62 hex>/<the model's files>}. The digest
 * of a model is {@code sha256:<hex>} of its manifest: the UTF-8 JSON array of {@code {"path":
 * <relative path, '/'-separated>, "sha256": <hex of the bytes>, "size": <bytes>}} objects sorted by
 * path (code-point order), written without whitespace by Jackson. Two registrations of identical
 * files share one folder.
 */
public final class ModelStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file of a manifest. */
  @JsonPropertyOrder({"path", "sha256", "size"})
  public record Entry(String path, String sha256, long size) {}

  /** A stored model. */
  public record Stored(String digest, List<Entry> manifest, long size) {
    public String manifestJson() {
      return ModelStore.toJson(manifest);
    }
  }

  private final Path root;

  public ModelStore(Path modelsRoot) {
    this.root = modelsRoot;
  }

  /** The store folder of a digest ({@code sha256:<64 hex>}). */
  public Path folder(String digest) {
    String hex = hexOf(digest);
    return root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  private static String hexOf(String digest) {
    if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
      throw new StoreException("malformed model digest '" + digest + "'");
    }
    return digest.substring(7);
  }

  /**
   * Copies a file or a folder's files into the store and returns the digest. A single file is
   * stored under its own file name.
   */
  public Stored put(Path source) {
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException("path", source, "an existing file or folder");
    }
    if (Files.isSymbolicLink(source)) {
      throw new InvalidInputException("path", source, "a file or folder, not a symbolic link");
    }
    Path tmp = root.resolve("tmp").resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(tmp);
      List<Entry> entries = new ArrayList<>();
      long total = 0;
      if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        String name = source.getFileName().toString();
        entries.add(copyHashed(source, tmp.resolve(name), name));
      } else {
        List<Path> files = listFiles(source);
        if (files.isEmpty()) {
          throw new InvalidInputException("path", source, "a folder holding at least one file");
        }
        for (Path f : files) {
          String rel = relative(source, f);
          Path dst = tmp.resolve(rel);
          Files.createDirectories(dst.getParent());
          entries.add(copyHashed(f, dst, rel));
        }
      }
      entries.sort(Comparator.comparing(Entry::path));
      for (Entry e : entries) {
        total += e.size();
      }
      String digest = digestOf(entries);
      Path target = folder(digest);
      Files.createDirectories(target.getParent());
      if (Files.isDirectory(target)) {
        deleteTree(tmp);
      } else {
        fsyncTree(tmp);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
          deleteTree(tmp); // another writer stored the same content first
        } catch (AtomicMoveNotSupportedException e) {
          throw new StoreException("the model store " + root + " cannot rename atomically", e);
        }
        fsyncDir(target.getParent());
      }
      return new Stored(digest, List.copyOf(entries), total);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new StoreException("cannot copy " + source + " into the model store: " + e, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Checks the store folder of {@code digest} against its manifest: every file present with its
   * hash and nothing else, and the manifest hashing to the digest.
   *
   * @throws StoreException naming the first file that does not match
   */
  public void verify(String digest, List<Entry> manifest) {
    Path dir = folder(digest);
    if (!Files.isDirectory(dir)) {
      throw new StoreException(
          "the files of model " + digest + " are missing from the model store (" + dir + ")");
    }
    if (!digestOf(manifest).equals(digest)) {
      throw new StoreException("the manifest of model " + digest + " does not match its digest");
    }
    try {
      List<Path> files = listFiles(dir);
      if (files.size() != manifest.size()) {
        throw new StoreException(
            "model "
                + digest
                + " in "
                + dir
                + " holds "
                + files.size()
                + " files, its manifest "
                + manifest.size());
      }
      for (Entry e : manifest) {
        Path f = dir.resolve(e.path());
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          throw new StoreException("model " + digest + " is missing its file " + e.path());
        }
        String actual = sha256(f);
        if (!actual.equals(e.sha256())) {
          throw new StoreException(
              "model "
                  + digest
                  + ": file "
                  + e.path()
                  + " is corrupt in the model store (sha256 "
                  + actual
                  + ", expected "
                  + e.sha256()
                  + ")");
        }
      }
    } catch (IOException ex) {
      throw new StoreException("cannot read model " + digest + " in " + dir + ": " + ex, ex);
    }
  }

  /**
   * Copies the files of {@code digest} into {@code targetDir}, verifying each file's hash while
   * copying; on a mismatch nothing is left in {@code targetDir}.
   */
  public Path copyTo(String digest, List<Entry> manifest, Path targetDir) {
    if (!digestOf(manifest).equals(digest)) {
      throw new StoreException("the manifest of model " + digest + " does not match its digest");
    }
    Path dir = folder(digest);
    Path target = targetDir.toAbsolutePath().normalize();
    Path staging = null;
    try {
      Files.createDirectories(target);
      staging = Files.createTempDirectory(target, ".download-");
      for (Entry e : manifest) {
        Path src = dir.resolve(e.path());
        if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
          throw new StoreException("model " + digest + " is missing its file " + e.path());
        }
        Path dst = staging.resolve(e.path());
        Files.createDirectories(dst.getParent());
        Entry copied = copyHashed(src, dst, e.path());
        if (!copied.sha256().equals(e.sha256())) {
          throw new StoreException(
              "model "
                  + digest
                  + ": file "
                  + e.path()
                  + " is corrupt in the model store (sha256 "
                  + copied.sha256()
                  + ", expected "
                  + e.sha256()
                  + "); download refused");
        }
      }
      for (Entry e : manifest) {
        Path dst = target.resolve(e.path());
        Files.createDirectories(dst.getParent());
        Files.move(
            staging.resolve(e.path()),
            dst,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      deleteTree(staging);
      return target;
    } catch (IOException ex) {
      deleteQuietly(staging);
      throw new StoreException("cannot copy model " + digest + " to " + target + ": " + ex, ex);
    } catch (RuntimeException ex) {
      deleteQuietly(staging);
      throw ex;
    }
  }

  /** The digest of a manifest. */
  public static String digestOf(List<Entry> manifest) {
    MessageDigest md = sha256();
    return "sha256:"
        + HexFormat.of().formatHex(md.digest(toJson(manifest).getBytes(StandardCharsets.UTF_8)));
  }

  static String toJson(List<Entry> manifest) {
    try {
      return JSON.writeValueAsString(manifest);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write a model manifest", e);
    }
  }

  /** Reads a manifest written by {@link Stored#manifestJson()}. */
  public static List<Entry> parseManifest(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<Entry>>() {});
    } catch (JsonProcessingException e) {
      throw new StoreException("a model manifest in the registry database is corrupt: " + e, e);
    }
  }

  private static Entry copyHashed(Path src, Path dst, String rel) throws IOException {
    MessageDigest md = sha256();
    long size;
    try (InputStream in = Files.newInputStream(src);
        OutputStream out =
            new DigestOutputStream(
                Files.newOutputStream(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                md)) {
      size = in.transferTo(out);
    }
    return new Entry(rel, HexFormat.of().formatHex(md.digest()), size);
  }

  static String sha256(Path f) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(f)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isSymbolicLink(p)) {
          throw new InvalidInputException(
              "path", p, "regular files and folders only (symbolic links are not stored)");
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static String relative(Path base, Path f) {
    StringBuilder sb = new StringBuilder();
    for (Path part : base.relativize(f)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }

  private static void fsyncTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot open folders for sync; the rename is still atomic
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.toList());
      all.sort(Comparator.reverseOrder());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      // best effort: a leftover temp folder holds no registered model
    }
  }

  /** Fails with {@link NotFoundException} unless {@code rel} is a file of the manifest. */
  static Entry entry(List<Entry> manifest, String rel, String digest) {
    for (Entry e : manifest) {
      if (e.path().equals(rel)) {
        return e;
      }
    }
    throw new NotFoundException("model " + digest + " has no file '" + rel + "'");
  }
}
