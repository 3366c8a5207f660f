package dev.mlops.versioning.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.spi.DataRemote;
import dev.mlops.spi.DataRemoteProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A remote that is a folder ({@code file:} URIs), in DVC's remote layout. Writes go through a temp
 * name, fsync and rename. Thread-safe.
 */
public final class FileDataRemote implements DataRemote {
  private static final ThreadLocal<byte[]> BUFFERS =
      ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  private final URI uri;
  private final Path root;
  private final java.util.concurrent.ConcurrentLinkedQueue<Path[]> pending =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  public FileDataRemote(URI uri, Path root) {
    this.uri = uri;
    this.root = root;
  }

  /** Provides {@code file:} remotes. */
  public static final class Provider implements DataRemoteProvider {
    @Override
    public Set<String> schemes() {
      return Set.of("file");
    }

    @Override
    public DataRemote open(URI uri) {
      if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getAuthority() != null) {
        throw new InvalidInputException(
            "remote uri", uri, "a file: URI with an absolute path, e.g. file:///mnt/backup");
      }
      return new FileDataRemote(uri, Path.of(uri));
    }
  }

  @Override
  public URI uri() {
    return uri;
  }

  private Path resolve(String key) {
    if (key.startsWith("/") || key.contains("..") || key.contains("\\")) {
      throw new InvalidInputException(
          "remote key", key, "a relative key such as files/md5/ab/cd..");
    }
    return root.resolve(key);
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public Set<String> list(String prefix) {
    Set<String> out = new HashSet<>();
    Path base =
        prefix.isEmpty()
            ? root
            : resolve(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    if (!Files.isDirectory(base)) {
      return out;
    }
    String p = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (name.length() != 2 || !Files.isDirectory(d)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
          for (Path f : files) {
            String fn = f.getFileName().toString();
            if (!fn.startsWith(".")) {
              out.add(p + name + "/" + fn);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list remote " + uri + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void put(String key, InputStream content, long size) {
    Path target = resolve(key);
    Path tmp = AtomicFiles.tempSibling(target);
    boolean queued = false;
    try {
      try (FileChannel out = create(tmp)) {
        copy(content, out);
      }
      pending.add(new Path[] {tmp, target});
      queued = true;
    } catch (IOException e) {
      throw new StoreException(
          "cannot write " + key + " to remote " + uri + ": " + e.getMessage(), e);
    } finally {
      if (!queued) {
        deleteQuietly(tmp);
      }
    }
  }

  /** Creates a temp file, and its folder when that is missing (no check per object). */
  private static FileChannel create(Path tmp) throws IOException {
    try {
      return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      Files.createDirectories(tmp.getParent());
      return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
  }

  private static void copy(InputStream in, FileChannel out) throws IOException {
    byte[] buf = BUFFERS.get();
    int n;
    while ((n = in.read(buf)) > 0) {
      ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover temp file is never read as an object
    }
  }

  /**
   * Syncs the file system once, then renames every object put since the last flush into place (in
   * parallel when there are many).
   */
  @Override
  public synchronized void flush() {
    List<Path[]> moves = new ArrayList<>();
    for (Path[] m; (m = pending.poll()) != null; ) {
      moves.add(m);
    }
    if (moves.isEmpty()) {
      return;
    }
    boolean ok = false;
    try {
      List<Path> temps = new ArrayList<>(moves.size());
      moves.forEach(m -> temps.add(m[0]));
      AtomicFiles.syncAll(root, temps);
      List<List<Path[]>> chunks = new ArrayList<>();
      for (int i = 0; i < moves.size(); i += 512) {
        chunks.add(moves.subList(i, Math.min(moves.size(), i + 512)));
      }
      Stream<List<Path[]>> stream = chunks.size() > 1 ? chunks.parallelStream() : chunks.stream();
      stream.forEach(
          chunk -> {
            for (Path[] m : chunk) {
              try {
                AtomicFiles.move(m[0], m[1]);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
      ok = true;
    } catch (IOException | UncheckedIOException e) {
      throw new StoreException("cannot write objects to remote " + uri + ": " + e.getMessage(), e);
    } finally {
      if (!ok) {
        moves.forEach(m -> deleteQuietly(m[0]));
      }
    }
  }

  @Override
  public void close() {
    flush();
  }

  @Override
  public InputStream get(String key) {
    try {
      return Files.newInputStream(resolve(key));
    } catch (NoSuchFileException e) {
      throw new NotFoundException("object " + key + " is not in remote " + uri, e);
    } catch (IOException e) {
      throw new StoreException(
          "cannot read " + key + " from remote " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FileDataRemote{" + root + "}";
  }
}
