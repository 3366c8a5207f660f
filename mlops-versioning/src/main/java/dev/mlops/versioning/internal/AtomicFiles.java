package dev.mlops.versioning.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes files through a temporary name in the same folder, fsync, then rename. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** A temporary sibling of {@code target} (not created). */
  public static Path tempSibling(Path target) {
    return target.resolveSibling(
        "."
            + target.getFileName()
            + ".tmp"
            + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  /** Atomically replaces {@code target} with {@code data}. */
  public static void write(Path target, byte[] data) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = tempSibling(target);
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        out.write(data);
        out.flush();
        ch.force(true);
      }
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Copies {@code in} to a temp sibling of {@code target}, fsyncs it and returns the MD5 of the
   * bytes; the caller renames (or deletes) the temp file.
   */
  public static String copyToTemp(InputStream in, Path tmp, boolean fsync) throws IOException {
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(ch);
      String md5 = Hashing.copyHashing(in, out);
      out.flush();
      if (fsync) {
        ch.force(true);
      }
      return md5;
    }
  }

  /**
   * Makes the given files durable: one {@code sync -f} (Linux {@code syncfs}) of the file system
   * holding {@code dir}, or an fsync per file where that command is not available. Cheaper than an
   * fsync per file when many small files were written.
   */
  public static void syncAll(Path dir, java.util.Collection<Path> files) throws IOException {
    if (files.isEmpty()) {
      return;
    }
    if (files.size() > 4) {
      try {
        Process p =
            new ProcessBuilder("sync", "-f", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        if (p.waitFor() == 0) {
          return;
        }
      } catch (IOException e) {
        // no sync command: fsync one by one below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while syncing " + dir, e);
      }
    }
    for (Path f : files) {
      // read-only descriptors can be synced, and objects may be created read-only
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }

  /** Renames atomically, replacing the target. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
