package dev.mlops.tracking.file;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.spi.ArtifactStore;
import dev.mlops.tracking.ArtifactInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifacts in a local folder: {@code <root>/<experiment-id>/<run-id>/<path>}. Every path is
 * confined to its run's folder: {@code ..}, absolute paths and symlinks that lead out are rejected.
 * Files are written to a temp name in the same folder, fsynced and renamed. Thread-safe.
 */
public final class FileArtifactStore implements ArtifactStore {
  private static final Logger log = LoggerFactory.getLogger(FileArtifactStore.class);

  private final Path root;

  /** A store rooted at {@code root} (created when missing). */
  public FileArtifactStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new StoreException("cannot create the artifact folder " + this.root, e);
    }
  }

  /** The folder of a {@code file:} URI or plain path, relative paths resolved against base. */
  public static Path toPath(String uri, Path base) {
    try {
      if (uri.startsWith("file:")) {
        return Paths.get(URI.create(uri)).toAbsolutePath().normalize();
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          MlopsConfig.ARTIFACTS_URI,
          uri,
          "an absolute file: URI such as file:///data/artifacts",
          e);
    }
    return base.resolve(uri).toAbsolutePath().normalize();
  }

  @Override
  public URI root() {
    return root.toUri();
  }

  @Override
  public void put(URI runRoot, Path source, String artifactPath) {
    Path runDir = runDir(runRoot);
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException("file", source, "an existing file or folder to copy");
    }
    Path destDir = resolve(runDir, artifactPath);
    try {
      Files.createDirectories(destDir);
      confine(runDir, destDir, artifactPath);
      Path name = source.toAbsolutePath().normalize().getFileName();
      if (name == null) {
        throw new InvalidInputException("file", source, "a file or folder with a name");
      }
      Path dest = destDir.resolve(name.toString());
      confine(runDir, dest, artifactPath + "/" + name);
      if (Files.isDirectory(source)) {
        copyTree(source, dest);
      } else {
        copyAtomic(source, dest);
      }
    } catch (IOException e) {
      throw new StoreException("cannot copy " + source + " to the artifacts of " + runRoot, e);
    }
  }

  @Override
  public List<ArtifactInfo> list(URI runRoot, String path) {
    Path runDir = runDir(runRoot);
    Path dir = resolve(runDir, path);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ArtifactInfo> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (p.getFileName().toString().startsWith(".tmp-")) {
          continue;
        }
        String rel = runDir.relativize(p).toString().replace('\\', '/');
        boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        long size = directory ? 0 : Files.size(p);
        out.add(new ArtifactInfo(rel, directory, size));
      }
    } catch (IOException e) {
      throw new StoreException("cannot list artifacts at " + dir, e);
    }
    return List.copyOf(out);
  }

  @Override
  public Path download(URI runRoot, String path, Path target) {
    Path runDir = runDir(runRoot);
    Path src = resolve(runDir, path);
    if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
      if (path == null || path.isEmpty()) {
        try {
          Files.createDirectories(target);
        } catch (IOException e) {
          throw new StoreException("cannot create " + target, e);
        }
        return target;
      }
      throw new NotFoundException("no artifact '" + path + "' in " + runRoot);
    }
    try {
      Files.createDirectories(target);
      if (path == null || path.isEmpty()) {
        try (Stream<Path> s = Files.list(src)) {
          for (Path p : (Iterable<Path>) s::iterator) {
            copyAny(p, target.resolve(p.getFileName().toString()));
          }
        }
        return target;
      }
      Path dest = target.resolve(src.getFileName().toString());
      copyAny(src, dest);
      return dest;
    } catch (IOException e) {
      throw new StoreException("cannot download artifact '" + path + "' to " + target, e);
    }
  }

  private void copyAny(Path src, Path dest) throws IOException {
    if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
      copyTree(src, dest);
    } else if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
      copyAtomic(src, dest);
    }
  }

  private void copyTree(Path source, Path dest) throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.walk(source)) {
      entries = s.sorted(Comparator.naturalOrder()).toList();
    }
    for (Path p : entries) {
      Path target = dest.resolve(source.relativize(p).toString());
      if (Files.isSymbolicLink(p)) {
        log.warn("skipping symbolic link {} while copying {}", p, source);
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(target);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        copyAtomic(p, target);
      }
    }
  }

  /** Copies to a temp name in the destination folder, fsyncs, then renames over the target. */
  static void copyAtomic(Path source, Path dest) throws IOException {
    Path dir = dest.getParent();
    Files.createDirectories(dir);
    if (Files.isSymbolicLink(dest)) {
      Files.delete(dest);
    }
    Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
    try {
      try (InputStream in = Files.newInputStream(source);
          FileChannel out =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            out.write(b);
          }
        }
        out.force(true);
      }
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("a file appeared at the temp name " + tmp, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Path runDir(URI runRoot) {
    Path dir;
    try {
      dir = Paths.get(runRoot).toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new InvalidInputException("artifactUri", runRoot, "a file: URI under " + root(), e);
    }
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw new InvalidInputException("artifactUri", runRoot, "a run folder under " + root());
    }
    return dir;
  }

  /** Resolves a relative artifact path inside {@code runDir}, rejecting every escape. */
  static Path resolve(Path runDir, String path) {
    if (path == null) {
      throw new InvalidInputException("path", null, "a relative artifact path (\"\" for the root)");
    }
    if (path.isEmpty()) {
      return runDir;
    }
    String p = path.replace('\\', '/');
    if (p.startsWith("/") || p.matches("^[A-Za-z]:.*") || p.indexOf('\0') >= 0) {
      throw new InvalidInputException("path", path, "a relative path inside the run's artifacts");
    }
    for (String segment : p.split("/")) {
      if (segment.equals("..")) {
        throw new InvalidInputException("path", path, "a path without '..' segments");
      }
    }
    Path resolved = runDir.resolve(p).normalize();
    if (!resolved.startsWith(runDir)) {
      throw new InvalidInputException("path", path, "a path inside the run's artifacts");
    }
    confine(runDir, resolved, path);
    return resolved;
  }

  /** Rejects a path whose existing part resolves (through symlinks) outside the run folder. */
  private static void confine(Path runDir, Path target, String path) {
    Path existing = target;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null || !existing.startsWith(runDir)) {
      return; // nothing inside the run folder exists yet: no link to follow
    }
    try {
      Path realRun = runDir.toRealPath();
      Path real = existing.toRealPath();
      if (!real.startsWith(realRun)) {
        throw new InvalidInputException(
            "path", path, "a path inside the run's artifacts (a symbolic link leads out of it)");
      }
    } catch (IOException e) {
      throw new InvalidInputException(
          "path", path, "a path inside the run's artifacts (it cannot be resolved: " + e + ")");
    }
  }

  @Override
  public String toString() {
    return "FileArtifactStore{" + root + "}";
  }
}
