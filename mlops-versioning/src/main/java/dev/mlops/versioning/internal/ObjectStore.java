package dev.mlops.versioning.internal;

import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A content-addressed object store in DVC layout: DVC 3 objects under {@code
 * <root>/files/md5/ab/cdef...}, DVC 2 (legacy) objects under {@code <root>/ab/cdef...}. Objects are
 * written atomically (temp file, then rename) and made read-only; every read is verified against
 * the object's name. Thread-safe.
 */
public final class ObjectStore {
  private static final Set<PosixFilePermission> READ_ONLY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ);
  private static final FileAttribute<Set<PosixFilePermission>> READ_ONLY_ATTR =
      PosixFilePermissions.asFileAttribute(READ_ONLY);
  private static final Set<StandardOpenOption> CREATE_WRITE =
      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** Renames per task when placing many objects. */
  private static final int RENAME_CHUNK = 512;

  private final Path root;
  private final boolean fsync;
  private final boolean posix;

  public ObjectStore(Path root, boolean fsync) {
    this.root = root;
    this.fsync = fsync;
    this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  public Path root() {
    return root;
  }

  /** The DVC 3 key of an object, relative to a cache or remote root. */
  public static String key(String oid) {
    return "files/md5/" + oid.substring(0, 2) + "/" + oid.substring(2);
  }

  /** The DVC 2 (legacy) key of an object. */
  public static String legacyKey(String oid) {
    return oid.substring(0, 2) + "/" + oid.substring(2);
  }

  public Path path(String oid) {
    return root.resolve(key(oid));
  }

  public Path legacyPath(String oid) {
    return root.resolve(legacyKey(oid));
  }

  private Path pathOf(String oid, boolean legacy) {
    return legacy ? legacyPath(oid) : path(oid);
  }

  /** Whether the object is present (DVC 3 location, or the legacy one when {@code legacy}). */
  public boolean contains(String oid, boolean legacy) {
    return Files.isRegularFile(pathOf(oid, legacy));
  }

  /** The file holding an object, if present. */
  public Optional<Path> locate(String oid, boolean legacy) {
    Path p = pathOf(oid, legacy);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  // ------------------------------------------------------------------ writing

  /**
   * Creates a temp object for writing. Where the file system has POSIX permissions it is created
   * read-only (the open descriptor may still write), which saves a chmod per object. A missing
   * parent folder is created.
   */
  private FileChannel createTemp(Path tmp) throws IOException {
    try {
      return openTemp(tmp);
    } catch (NoSuchFileException e) {
      Files.createDirectories(tmp.getParent());
      return openTemp(tmp);
    }
  }

  private FileChannel openTemp(Path tmp) throws IOException {
    return posix
        ? FileChannel.open(tmp, CREATE_WRITE, READ_ONLY_ATTR)
        : FileChannel.open(tmp, CREATE_WRITE);
  }

  /** Makes a finished temp object read-only where it was not created so. */
  private void sealTemp(Path tmp) {
    if (!posix) {
      setReadOnly(tmp);
    }
  }

  /**
   * Copies {@code in} into the store and returns its MD5; the object is named by that MD5, which is
   * returned. Safe to call concurrently for the same content.
   */
  public String insert(InputStream in) throws IOException {
    Path tmp = AtomicFiles.tempSibling(root.resolve("files").resolve("md5").resolve("obj"));
    try {
      String md5;
      try (FileChannel out = createTemp(tmp)) {
        md5 = Hashing.copyHashing(in, out);
        if (fsync) {
          out.force(true);
        }
      }
      Path target = path(md5);
      if (!Files.isRegularFile(target)) {
        sealTemp(tmp);
        place(tmp, target);
      }
      return md5;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Objects written to temp files, not yet durable nor visible: {@link #commit} makes them durable
   * with one file-system sync and renames them into place. Thread-safe.
   */
  public static final class Pending {
    private final ConcurrentLinkedQueue<Path[]> moves = new ConcurrentLinkedQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
  }

  /**
   * Copies a file into a temp object queued in {@code pending} and returns its MD5, reading the
   * file once. A file that fits the hashing buffer is hashed before anything is written: content
   * that is {@code present} in the store or already queued is not written again, and the temp file
   * is made in the object's own folder so the rename stays inside one folder.
   */
  public String insertFile(Path file, Predicate<String> present, Pending pending)
      throws IOException {
    ByteBuffer buf = Hashing.buffer();
    MessageDigest md = Hashing.md5();
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      buf.clear();
      boolean eof = fill(in, buf);
      buf.flip();
      if (eof) {
        md.update(buf);
        String md5 = Hashing.hex(md.digest());
        if (present.test(md5) || !pending.queued.add(md5)) {
          return md5;
        }
        Path target = path(md5);
        Path tmp = AtomicFiles.tempSibling(target);
        boolean written = false;
        try (FileChannel out = createTemp(tmp)) {
          buf.rewind();
          writeFully(out, buf);
          written = true;
        } finally {
          if (!written) {
            pending.queued.remove(md5);
            Files.deleteIfExists(tmp);
          }
        }
        pending.moves.add(new Path[] {tmp, target});
        return md5;
      }
      // larger than the buffer: stream it into a temp object, then name it
      Path tmp = AtomicFiles.tempSibling(root.resolve("files").resolve("md5").resolve("obj"));
      boolean queued = false;
      try {
        try (FileChannel out = createTemp(tmp)) {
          while (true) {
            if (buf.hasRemaining()) {
              md.update(buf);
              buf.rewind();
              writeFully(out, buf);
            }
            if (eof) {
              break;
            }
            buf.clear();
            eof = fill(in, buf);
            buf.flip();
          }
        }
        String md5 = Hashing.hex(md.digest());
        if (!present.test(md5) && pending.queued.add(md5)) {
          pending.moves.add(new Path[] {tmp, path(md5)});
          queued = true;
        }
        return md5;
      } finally {
        if (!queued) {
          Files.deleteIfExists(tmp);
        }
      }
    }
  }

  /** Reads into {@code buf} until it is full or the channel ends; returns whether it ended. */
  private static boolean fill(FileChannel in, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (in.read(buf) < 0) {
        return true;
      }
    }
    return false;
  }

  static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  /** Like {@link #insertVerified} but queued in {@code pending}. */
  public void insertVerifiedDeferred(
      String oid, boolean legacy, InputStream in, String source, Pending pending)
      throws IOException {
    Path target = pathOf(oid, legacy);
    Path tmp = AtomicFiles.tempSibling(target);
    boolean queued = false;
    try {
      String md5;
      try (FileChannel out = createTemp(tmp)) {
        md5 = Hashing.copyHashing(in, out);
      }
      String actual = (legacy ? dos2unix(tmp) : md5) + (oid.endsWith(".dir") ? ".dir" : "");
      if (!actual.equals(oid)) {
        throw corrupted(oid, source, actual);
      }
      pending.moves.add(new Path[] {tmp, target});
      queued = true;
    } finally {
      if (!queued) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Syncs and renames every queued object into place (on the calling thread). */
  public void commit(Pending pending) throws IOException {
    commit(pending, null, List.of());
  }

  /**
   * Makes every queued object durable with one file-system sync, then renames them into place on
   * {@code pool} (the calling thread when null), running {@code alongside} in parallel with the
   * renames. On failure the temp files left are deleted.
   */
  public void commit(Pending pending, ExecutorService pool, List<Runnable> alongside)
      throws IOException {
    List<Path[]> moves = new ArrayList<>();
    for (Path[] m; (m = pending.moves.poll()) != null; ) {
      moves.add(m);
    }
    pending.queued.clear();
    boolean ok = false;
    try {
      if (fsync && !moves.isEmpty()) {
        List<Path> temps = new ArrayList<>(moves.size());
        moves.forEach(m -> temps.add(m[0]));
        AtomicFiles.syncAll(root, temps);
      }
      List<Runnable> tasks = new ArrayList<>(alongside);
      for (int i = 0; i < moves.size(); i += RENAME_CHUNK) {
        List<Path[]> chunk = moves.subList(i, Math.min(moves.size(), i + RENAME_CHUNK));
        tasks.add(
            () -> {
              for (Path[] m : chunk) {
                try {
                  sealTemp(m[0]);
                  place(m[0], m[1]);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
      }
      if (pool == null) {
        tasks.forEach(Runnable::run);
      } else {
        Parallel.runAll(pool, tasks);
      }
      ok = true;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      if (!ok) {
        for (Path[] m : moves) {
          deleteQuietly(m[0]);
        }
      }
    }
  }

  /** Renames a temp object to its name, replacing a copy already there (same bytes). */
  private static void place(Path tmp, Path target) throws IOException {
    try {
      AtomicFiles.move(tmp, target);
    } catch (NoSuchFileException e) {
      // the object's folder does not exist (yet, or any more): make it and retry
      Files.createDirectories(target.getParent());
      AtomicFiles.move(tmp, target);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a leftover temp file is harmless and never read as an object
    }
  }

  /** Drops every queued object. */
  public void abort(Pending pending) {
    for (Path[] m; (m = pending.moves.poll()) != null; ) {
      deleteQuietly(m[0]);
    }
    pending.queued.clear();
  }

  /** Inserts a file's content; returns its MD5. */
  public String insert(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return insert(in);
    }
  }

  /**
   * Stores {@code in} under {@code oid} (DVC 3 or legacy location), verifying the bytes against the
   * name; a mismatch stores nothing and throws {@link StoreException} naming {@code source}.
   */
  public void insertVerified(String oid, boolean legacy, InputStream in, String source)
      throws IOException {
    Path target = pathOf(oid, legacy);
    Path tmp = AtomicFiles.tempSibling(target);
    try {
      String md5;
      try (FileChannel out = createTemp(tmp)) {
        md5 = Hashing.copyHashing(in, out);
        if (fsync) {
          out.force(true);
        }
      }
      String actual = (legacy ? dos2unix(tmp) : md5) + (oid.endsWith(".dir") ? ".dir" : "");
      if (!actual.equals(oid)) {
        throw corrupted(oid, source, actual);
      }
      sealTemp(tmp);
      place(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Stores manifest bytes under their {@code .dir} name. */
  public void insertManifest(Manifest manifest) throws IOException {
    byte[] bytes = manifest.serialize();
    String oid = Hashing.md5(bytes) + ".dir";
    Path target = path(oid);
    if (Files.isRegularFile(target)) {
      return;
    }
    Path tmp = AtomicFiles.tempSibling(target);
    try {
      try (FileChannel out = createTemp(tmp)) {
        writeFully(out, ByteBuffer.wrap(bytes));
        if (fsync) {
          out.force(true);
        }
      }
      sealTemp(tmp);
      place(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads and verifies a folder manifest.
   *
   * @throws NotFoundException when it is not in the store
   * @throws StoreException when it is corrupted
   */
  public Manifest manifest(String oid, boolean legacy) {
    Path p = pathOf(oid, legacy);
    try {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(p);
      } catch (NoSuchFileException e) {
        throw missing(oid);
      }
      String actual = Hashing.md5(bytes) + ".dir";
      if (!actual.equals(oid)) {
        throw corrupted(oid, p.toString(), actual);
      }
      return Manifest.parse(bytes);
    } catch (IOException e) {
      throw new StoreException(
          "cannot read the folder manifest " + oid + " at " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens an object; the stream throws {@link StoreException} at end of data if the bytes do not
   * match the name (before reporting end of stream).
   */
  public InputStream open(String oid, boolean legacy) {
    Path p = pathOf(oid, legacy);
    try {
      return verifying(Files.newInputStream(p), oid, legacy, p.toString());
    } catch (NoSuchFileException e) {
      throw missing(oid);
    } catch (IOException e) {
      throw new StoreException("cannot read cache object " + oid + " at " + p, e);
    }
  }

  /**
   * Copies an object to the new file {@code tmp} (created, default permissions), hashing the bytes
   * as they are copied: one read of the object, verified. A mismatch throws {@link StoreException};
   * the caller deletes {@code tmp}.
   *
   * @throws NotFoundException when the object is not in the store
   */
  public void copyOut(String oid, boolean legacy, Path tmp) throws IOException {
    Path p = pathOf(oid, legacy);
    if (legacy || oid.endsWith(".dir")) {
      try (InputStream in = open(oid, legacy);
          FileChannel out = FileChannel.open(tmp, CREATE_WRITE)) {
        Hashing.copyHashing(in, out);
      }
      return;
    }
    ByteBuffer buf = Hashing.buffer();
    MessageDigest md = Hashing.md5();
    FileChannel in;
    try {
      in = FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw missing(oid);
    }
    try (in;
        FileChannel out = FileChannel.open(tmp, CREATE_WRITE)) {
      while (true) {
        buf.clear();
        if (in.read(buf) < 0) {
          break;
        }
        buf.flip();
        md.update(buf);
        buf.rewind();
        writeFully(out, buf);
      }
    }
    String actual = Hashing.hex(md.digest());
    if (!actual.equals(oid)) {
      throw corrupted(oid, p.toString(), actual);
    }
  }

  /** Hashes a stored object and throws {@link StoreException} when it is corrupted. */
  public void verify(String oid, boolean legacy) {
    try (InputStream in = open(oid, legacy)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new StoreException("cannot read cache object " + oid, e);
    }
  }

  /** Deletes an object; returns whether it existed. */
  public boolean delete(String oid, boolean legacy) throws IOException {
    return Files.deleteIfExists(pathOf(oid, legacy));
  }

  /**
   * A stamp of the cache's object folders: the inode and mtime of the base folder and of every
   * two-hex-digit prefix folder under it. Adding or removing an object changes its folder's mtime,
   * so an unchanged stamp means the set of objects is unchanged. Empty when a folder changed in the
   * last {@code racyNanos} (a coarse file-system clock could hide a later change within the same
   * tick) or cannot be read.
   */
  public Optional<StateTable.Stat> foldersStamp(boolean legacy, long racyNanos) {
    Path base = legacy ? root : root.resolve("files").resolve("md5");
    long now = System.currentTimeMillis() * 1_000_000L;
    MessageDigest md = Hashing.md5();
    try {
      BasicFileAttributes b = Files.readAttributes(base, BasicFileAttributes.class);
      long newest = b.lastModifiedTime().to(TimeUnit.NANOSECONDS);
      StringBuilder sb = new StringBuilder(16_384).append(StateTable.Stat.of(b)).append('\n');
      String[] prefixes = base.toFile().list();
      if (prefixes == null) {
        return Optional.empty();
      }
      Arrays.sort(prefixes);
      int n = 0;
      for (String prefix : prefixes) {
        if (prefix.length() != 2 || !isHex(prefix.charAt(0)) || !isHex(prefix.charAt(1))) {
          continue;
        }
        BasicFileAttributes a =
            Files.readAttributes(base.resolve(prefix), BasicFileAttributes.class);
        newest = Math.max(newest, a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        sb.append(prefix).append(' ').append(StateTable.Stat.of(a)).append('\n');
        n++;
      }
      if (newest > now - racyNanos) {
        return Optional.empty();
      }
      md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
      return Optional.of(new StateTable.Stat(Hashing.hex(md.digest()), n, 0));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Every object id present (DVC 3 objects when {@code legacy} is false, else legacy ones). */
  public Set<String> list(boolean legacy) {
    Path base = legacy ? root : root.resolve("files").resolve("md5");
    if (!Files.isDirectory(base)) {
      return new HashSet<>();
    }
    String[] prefixes = base.toFile().list();
    if (prefixes == null) {
      throw new StoreException("cannot list the cache " + base);
    }
    Set<String> out = new HashSet<>();
    for (String prefix : prefixes) {
      if (prefix.length() != 2 || !isHex(prefix.charAt(0)) || !isHex(prefix.charAt(1))) {
        continue;
      }
      String[] names = base.resolve(prefix).toFile().list();
      if (names == null) {
        continue;
      }
      for (String name : names) {
        String oid = prefix + name;
        if (Hashing.isOid(oid)) {
          out.add(oid);
        }
      }
    }
    return out;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  public static InputStream verifying(InputStream in, String oid, boolean legacy, String source) {
    if (legacy && !oid.endsWith(".dir")) {
      return new Dos2UnixVerifyingStream(in, oid, source);
    }
    return new VerifyingStream(in, oid, source);
  }

  static StoreException corrupted(String oid, String source, String actual) {
    return new StoreException(
        "corrupted object "
            + oid
            + " in "
            + source
            + ": its content hashes to "
            + actual
            + "; delete it and fetch it again from a remote");
  }

  static NotFoundException missing(String oid) {
    return new NotFoundException(
        "object " + oid + " is not in the cache; fetch or pull it from a remote");
  }

  private static String dos2unix(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      return Hashing.md5Dos2Unix(in);
    }
  }

  private static void setReadOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, READ_ONLY);
    } catch (UnsupportedOperationException | IOException e) {
      p.toFile().setReadOnly();
    }
  }

  private static final class VerifyingStream extends FilterInputStream {
    private final MessageDigest md = Hashing.md5();
    private final String oid;
    private final String source;
    private boolean checked;

    VerifyingStream(InputStream in, String oid, String source) {
      super(in);
      this.oid = oid;
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        md.update(b, off, n);
      } else if (n < 0 && !checked) {
        checked = true;
        String actual = Hashing.hex(md.digest()) + (oid.endsWith(".dir") ? ".dir" : "");
        if (!actual.equals(oid)) {
          throw corrupted(oid, source, actual);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return readAndDiscard(this, n);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /** Verifies a legacy object while it is read: hashed chunk by chunk with the dos2unix rule. */
  private static final class Dos2UnixVerifyingStream extends FilterInputStream {
    private final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
    private final String oid;
    private final String source;
    private boolean checked;

    Dos2UnixVerifyingStream(InputStream in, String oid, String source) {
      super(in);
      this.oid = oid;
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        feed(b, off, n);
      } else if (n < 0 && !checked) {
        checked = true;
        flushChunk();
        String actual = Hashing.hex(md.digest());
        if (!actual.equals(oid)) {
          throw corrupted(oid, source, actual);
        }
      }
      return n;
    }

    private final MessageDigest md = Hashing.md5();
    private Boolean text;

    private void feed(byte[] b, int off, int n) throws IOException {
      while (n > 0) {
        int room = Hashing.CHUNK - seen.size();
        int take = Math.min(room, n);
        seen.write(b, off, take);
        off += take;
        n -= take;
        if (seen.size() == Hashing.CHUNK) {
          flushChunk();
        }
      }
    }

    private void flushChunk() throws IOException {
      byte[] chunk = seen.toByteArray();
      seen.reset();
      if (chunk.length == 0) {
        return;
      }
      if (text == null) {
        text = Hashing.isText(chunk, Math.min(512, chunk.length));
      }
      md.update(text ? Hashing.dos2unix(chunk, chunk.length) : chunk);
    }

    @Override
    public long skip(long n) throws IOException {
      return readAndDiscard(this, n);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  private static long readAndDiscard(InputStream in, long n) throws IOException {
    byte[] buf = new byte[8192];
    long done = 0;
    while (done < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }
}
