package dev.mlops.versioning.internal;

import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A content-addressed object store in DVC layout: DVC 3 objects under {@code
 * <root>/files/md5/ab/cdef...}, DVC 2 (legacy) objects under {@code <root>/ab/cdef...}. Objects are
 * written atomically and made read-only; every read is verified against the object's name.
 * Thread-safe.
 */
public final class ObjectStore {
  private static final Set<PosixFilePermission> READ_ONLY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.OTHERS_READ);

  private final Path root;
  private final boolean fsync;
  private final Set<Path> madeDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public ObjectStore(Path root, boolean fsync) {
    this.root = root;
    this.fsync = fsync;
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
    return root.resolve("files")
        .resolve("md5")
        .resolve(oid.substring(0, 2))
        .resolve(oid.substring(2));
  }

  public Path legacyPath(String oid) {
    return root.resolve(oid.substring(0, 2)).resolve(oid.substring(2));
  }

  /** Whether the object is present (DVC 3 location, or the legacy one when {@code legacy}). */
  public boolean contains(String oid, boolean legacy) {
    return Files.isRegularFile(legacy ? legacyPath(oid) : path(oid));
  }

  /** The file holding an object, if present. */
  public Optional<Path> locate(String oid, boolean legacy) {
    Path p = legacy ? legacyPath(oid) : path(oid);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * Copies {@code in} into the store and returns its MD5; the object is named by that MD5, which is
   * returned. Safe to call concurrently for the same content.
   */
  public String insert(InputStream in) throws IOException {
    Path dir = root.resolve("files").resolve("md5");
    Files.createDirectories(dir);
    Path tmp = AtomicFiles.tempSibling(dir.resolve("obj"));
    try {
      String md5 = AtomicFiles.copyToTemp(in, tmp, fsync);
      Path target = path(md5);
      if (!Files.isRegularFile(target)) {
        Files.createDirectories(target.getParent());
        setReadOnly(tmp);
        AtomicFiles.move(tmp, target);
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
    private final java.util.concurrent.ConcurrentLinkedQueue<Path[]> moves =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
  }

  /** Creates a folder of the store once per instance (it is never removed while in use). */
  private void ensureDir(Path dir) throws IOException {
    if (!madeDirs.contains(dir)) {
      Files.createDirectories(dir);
      madeDirs.add(dir);
    }
  }

  /** Copies a file into a temp object and queues it; returns its MD5. */
  public String insertDeferred(Path file, Pending pending) throws IOException {
    Path dir = root.resolve("files").resolve("md5");
    if (!madeDirs.contains(dir) || !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      madeDirs.add(dir);
    }
    Path tmp = AtomicFiles.tempSibling(dir.resolve("obj"));
    boolean queued = false;
    try (InputStream in = Files.newInputStream(file)) {
      String md5 = AtomicFiles.copyToTemp(in, tmp, false);
      Path target = path(md5);
      if (!Files.isRegularFile(target)) {
        pending.moves.add(new Path[] {tmp, target});
        queued = true;
      }
      return md5;
    } finally {
      if (!queued) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Like {@link #insertVerified} but queued in {@code pending}. */
  public void insertVerifiedDeferred(
      String oid, boolean legacy, InputStream in, String source, Pending pending)
      throws IOException {
    Path target = legacy ? legacyPath(oid) : path(oid);
    if (!madeDirs.contains(target.getParent()) || !Files.isDirectory(target.getParent())) {
      Files.createDirectories(target.getParent());
      madeDirs.add(target.getParent());
    }
    Path tmp = AtomicFiles.tempSibling(target);
    boolean queued = false;
    try {
      String md5 = AtomicFiles.copyToTemp(in, tmp, false);
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

  /** Syncs and renames every queued object into place. */
  public void commit(Pending pending) throws IOException {
    java.util.List<Path[]> moves = new java.util.ArrayList<>(pending.moves);
    pending.moves.clear();
    java.util.List<Path> temps = new java.util.ArrayList<>();
    moves.forEach(m -> temps.add(m[0]));
    try {
      if (fsync) {
        AtomicFiles.syncAll(root, temps);
      }
      for (Path[] m : moves) {
        if (Files.isRegularFile(m[1])) {
          Files.deleteIfExists(m[0]);
          continue;
        }
        ensureDir(m[1].getParent());
        setReadOnly(m[0]);
        try {
          AtomicFiles.move(m[0], m[1]);
        } catch (java.nio.file.NoSuchFileException e) {
          // the folder was removed behind our back: make it again
          Files.createDirectories(m[1].getParent());
          AtomicFiles.move(m[0], m[1]);
        }
      }
    } finally {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  /** Drops every queued object. */
  public void abort(Pending pending) {
    for (Path[] m : pending.moves) {
      try {
        Files.deleteIfExists(m[0]);
      } catch (IOException e) {
        // best effort: a leftover temp file is harmless and never read as an object
      }
    }
    pending.moves.clear();
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
    Path target = legacy ? legacyPath(oid) : path(oid);
    Files.createDirectories(target.getParent());
    Path tmp = AtomicFiles.tempSibling(target);
    try {
      String md5 = AtomicFiles.copyToTemp(in, tmp, fsync);
      String actual = (legacy ? dos2unix(tmp) : md5) + (oid.endsWith(".dir") ? ".dir" : "");
      if (!actual.equals(oid)) {
        throw corrupted(oid, source, actual);
      }
      setReadOnly(tmp);
      AtomicFiles.move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Stores manifest bytes under their {@code .dir} name. */
  public void insertManifest(Manifest manifest) throws IOException {
    String oid = manifest.oid();
    Path target = path(oid);
    if (Files.isRegularFile(target)) {
      return;
    }
    byte[] bytes = manifest.serialize();
    Files.createDirectories(target.getParent());
    Path tmp = AtomicFiles.tempSibling(target);
    try {
      AtomicFiles.copyToTemp(new java.io.ByteArrayInputStream(bytes), tmp, fsync);
      setReadOnly(tmp);
      AtomicFiles.move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads and verifies a folder manifest.
   *
   * @throws NotFoundException when it is not in the store
   * @throws StoreException when it is corrupted
   */
  public Manifest manifest(String oid, boolean legacy) {
    Path p = locate(oid, legacy).orElseThrow(() -> missing(oid));
    try {
      byte[] bytes = Files.readAllBytes(p);
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
    Path p = locate(oid, legacy).orElseThrow(() -> missing(oid));
    try {
      return verifying(Files.newInputStream(p), oid, legacy, p.toString());
    } catch (IOException e) {
      throw new StoreException("cannot read cache object " + oid + " at " + p, e);
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
    return Files.deleteIfExists(legacy ? legacyPath(oid) : path(oid));
  }

  /** Every object id present (DVC 3 objects when {@code legacy} is false, else legacy ones). */
  public Set<String> list(boolean legacy) {
    Set<String> out = new HashSet<>();
    Path base = legacy ? root : root.resolve("files").resolve("md5");
    if (!Files.isDirectory(base)) {
      return out;
    }
    String[] prefixes = base.toFile().list();
    if (prefixes == null) {
      throw new StoreException("cannot list the cache " + base);
    }
    for (String prefix : prefixes) {
      if (prefix.length() != 2) {
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

  /** Wraps a stream so that reaching its end checks the bytes against {@code oid}. */
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

  /** Buffers a legacy object entirely through a temp-free two-pass check: hash, then serve. */
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
