package dev.mlops.versioning.internal;

import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.ProgressListener;
import dev.mlops.StoreException;
import dev.mlops.spi.DataRemote;
import dev.mlops.spi.DataRemoteProvider;
import dev.mlops.spi.ModuleContext;
import dev.mlops.versioning.DataDiff;
import dev.mlops.versioning.DataState;
import dev.mlops.versioning.DataStatus;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DVC-compatible implementation of {@link DataVersioning}. Thread-safe: operations on different
 * paths may run concurrently; {@link #gc} must not run while another thread adds.
 */
public final class DefaultDataVersioning implements DataVersioning, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DefaultDataVersioning.class);
  static final String MD5 = "md5";
  static final String DOS2UNIX = "md5-dos2unix";
  private static final int BATCH = 128;

  /** Objects per task when transferring to or from a remote. */
  private static final int TRANSFER_BATCH = 64;

  /** Above this many objects, list a store once instead of checking objects one by one. */
  private static final int LIST_THRESHOLD = 256;

  private final Path workspace;
  private final Path home;
  private final ObjectStore cache;
  private final StateTable state;
  private final List<LinkType> linkTypes;
  private final Map<String, URI> remotes = new ConcurrentHashMap<>();
  private final ExecutorService cpu;
  private final ExecutorService io;
  private final Object gitignoreLock = new Object();
  private final Map<String, Boolean> reflinkSupport = new ConcurrentHashMap<>();

  /** Whether reflinks work into a folder, by folder (a file store lookup per file is costly). */
  private final Map<Path, Boolean> reflinkDirs = new ConcurrentHashMap<>();

  public DefaultDataVersioning(ModuleContext context) {
    this.workspace = realOrAbsolute(context.workspace());
    this.home = realOrAbsolute(context.home());
    DvcConfig dvc = dvcConfig();
    Path cacheRoot;
    Path dvcDir = workspace.resolve(".dvc");
    if (Files.isDirectory(dvcDir)) {
      cacheRoot =
          dvc.get("cache", "dir")
              .map(d -> dvcDir.resolve(d).normalize())
              .orElse(dvcDir.resolve("cache"));
    } else {
      cacheRoot = home.resolve("cache");
    }
    boolean fsync = Boolean.parseBoolean(context.config().get("versioning.fsync", "true"));
    this.cache = new ObjectStore(cacheRoot, fsync);
    String types =
        context
            .config()
            .get("versioning.link.type")
            .or(() -> dvc.get("cache", "type"))
            .orElse("reflink,copy");
    this.linkTypes = LinkType.parseList(types, "versioning.link.type");
    this.state = new StateTable(context.database());
    int cores = Runtime.getRuntime().availableProcessors();
    this.cpu = Executors.newFixedThreadPool(Math.max(2, cores), daemon("mlops-versioning-hash"));
    this.io = Executors.newFixedThreadPool(Math.max(8, 4 * cores), daemon("mlops-versioning-io"));
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static Path realOrAbsolute(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      return abs.toRealPath();
    } catch (IOException e) {
      return abs;
    }
  }

  private DvcConfig dvcConfig() {
    Path dvcDir = workspace.resolve(".dvc");
    return Files.isDirectory(dvcDir) ? DvcConfig.read(dvcDir) : DvcConfig.empty();
  }

  /** The cache root in use (the home's {@code cache} or the DVC repo's {@code .dvc/cache}). */
  public Path cacheRoot() {
    return cache.root();
  }

  @Override
  public Path workspace() {
    return workspace;
  }

  // ---------------------------------------------------------------- paths

  private Path resolve(Path p, String field) {
    if (p == null) {
      throw new InvalidInputException(field, null, "a path inside the workspace " + workspace);
    }
    Path abs = (p.isAbsolute() ? p : workspace.resolve(p)).normalize();
    if (!abs.startsWith(workspace)) {
      throw new InvalidInputException(field, p, "a path inside the workspace " + workspace);
    }
    // symlink escapes: the folders leading to the path must stay inside the workspace
    Path probe = abs.getParent();
    while (probe != null && !Files.exists(probe)) {
      probe = probe.getParent();
    }
    if (probe != null && probe.startsWith(workspace)) {
      try {
        if (!probe.toRealPath().startsWith(workspace)) {
          throw new InvalidInputException(
              field, p, "a path inside the workspace " + workspace + " (a symlink leads outside)");
        }
      } catch (IOException e) {
        throw new StoreException("cannot resolve " + probe + ": " + e.getMessage(), e);
      }
    }
    // the path itself may be a symlink leading outside (one into the cache is a checked-out link)
    if (Files.isSymbolicLink(abs)) {
      Path real;
      try {
        real = abs.toRealPath();
      } catch (IOException e) {
        real = null; // dangling: nothing outside is read through it
      }
      if (real != null && !real.startsWith(workspace) && !real.startsWith(cache.root())) {
        throw new InvalidInputException(
            field, p, "a path inside the workspace " + workspace + " (a symlink leads outside)");
      }
    }
    return abs;
  }

  private String rel(Path abs) {
    String r = workspace.relativize(abs).toString();
    return abs.getFileSystem().getSeparator().equals("/") ? r : r.replace('\\', '/');
  }

  private Path pointerFor(Path abs) {
    return abs.resolveSibling(abs.getFileName() + ".dvc");
  }

  // ---------------------------------------------------------------- hashing

  /** A file found under a folder. */
  private record Item(String relpath, Path path, StateTable.Stat stat) {}

  /** The result of hashing a file or folder. */
  private record Hashed(String oid, long size, int nfiles, Manifest manifest) {
    DataVersion version(String path) {
      return new DataVersion(path, oid, size, manifest == null ? null : nfiles);
    }
  }

  /** Whether a folder is skipped inside a tracked folder, as DVC does. */
  private static boolean ignoredDir(Path d) {
    Path n = d.getFileName();
    if (n == null) {
      return false;
    }
    String name = n.toString();
    return name.equals(".git") || name.equals(".dvc") || name.equals(".hg");
  }

  private static String relpath(Path dir, Path f) {
    if ("/".equals(f.getFileSystem().getSeparator())) {
      // f was reached from dir, so its string starts with dir's and a separator
      String d = dir.toString();
      String s = f.toString();
      if (s.length() > d.length() + 1 && s.startsWith(d) && s.charAt(d.length()) == '/') {
        return s.substring(d.length() + 1);
      }
      return dir.relativize(f).toString();
    }
    return dir.relativize(f).toString().replace('\\', '/');
  }

  /**
   * Every regular file under {@code dir} (symlinks followed, loops skipped, .git/.dvc/.hg folders
   * skipped), with its stat. The folders at the top are walked in parallel; the order is the
   * directory order, deterministic for an unchanged folder.
   */
  private List<Item> walk(Path dir) {
    Object rootKey;
    List<Item> top = new ArrayList<>();
    List<Path> subdirs = new ArrayList<>();
    try {
      rootKey = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
      Files.walkFileTree(
          dir,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          1,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (attrs.isDirectory()) {
                if (rootKey != null && rootKey.equals(attrs.fileKey())) {
                  log.warn("skipping symlink loop at {}", f);
                } else if (!ignoredDir(f)) {
                  subdirs.add(f);
                }
              } else if (attrs.isRegularFile()) {
                top.add(new Item(relpath(dir, f), f, StateTable.Stat.of(attrs)));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
              return skipLoop(f, e);
            }
          });
    } catch (IOException e) {
      throw new StoreException("cannot walk " + dir + ": " + e.getMessage(), e);
    }
    if (subdirs.isEmpty()) {
      return top;
    }
    List<List<Item>> parts = new ArrayList<>();
    List<Runnable> tasks = new ArrayList<>();
    for (Path sub : subdirs) {
      List<Item> part = new ArrayList<>();
      parts.add(part);
      tasks.add(() -> walkSubtree(dir, sub, rootKey, part));
    }
    Parallel.runAll(cpu, tasks);
    int n = top.size();
    for (List<Item> p : parts) {
      n += p.size();
    }
    List<Item> items = new ArrayList<>(n);
    items.addAll(top);
    parts.forEach(items::addAll);
    return items;
  }

  /** A symlink loop met while walking is skipped with a warning; any other failure is thrown. */
  private static FileVisitResult skipLoop(Path f, IOException e) throws IOException {
    if (e instanceof FileSystemLoopException) {
      log.warn("skipping symlink loop at {}", f);
      return FileVisitResult.CONTINUE;
    }
    throw e;
  }

  /** Walks one folder below {@code dir}; {@code rootKey} is the walk's root, an ancestor too. */
  private static void walkSubtree(Path dir, Path sub, Object rootKey, List<Item> out) {
    try {
      Files.walkFileTree(
          sub,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              if (!d.equals(sub) && ignoredDir(d)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (rootKey != null && rootKey.equals(attrs.fileKey())) {
                log.warn("skipping symlink loop at {}", d);
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                out.add(new Item(relpath(dir, f), f, StateTable.Stat.of(attrs)));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
              return skipLoop(f, e);
            }
          });
    } catch (IOException e) {
      throw new StoreException("cannot walk " + sub + ": " + e.getMessage(), e);
    }
  }

  /** The state-table hash name under which a folder's summary row is kept. */
  private static String folderAlgo(String algo) {
    return "dir:" + algo;
  }

  /**
   * A folder's summary stat for the state table: the MD5 of every file's relpath and stat in walk
   * order (as the "inode"), the file count (as the "mtime") and the total size. Equal only if no
   * file was added, removed, renamed or changed (by the same inode+mtime+size rule as files).
   */
  private static StateTable.Stat fingerprint(List<Item> items) {
    MessageDigest md = Hashing.md5();
    StringBuilder sb = new StringBuilder(8192);
    long total = 0;
    for (Item it : items) {
      StateTable.Stat s = it.stat();
      sb.append(it.relpath())
          .append('\0')
          .append(s.inode())
          .append('\0')
          .append(s.mtimeNs())
          .append('\0')
          .append(s.size())
          .append('\n');
      total += s.size();
      if (sb.length() >= 8000) {
        md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.setLength(0);
      }
    }
    md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
    return new StateTable.Stat(Hashing.hex(md.digest()), items.size(), total);
  }

  private Hashed hashPath(Path abs, String algo, boolean store, ProgressListener progress) {
    return hashPath(abs, algo, store, true, progress);
  }

  /**
   * Hashes a file or folder; with {@code store}, also puts every file and the manifest into the
   * cache. Remembers hashes in the state table. Without {@code needManifest} (and without {@code
   * store}), an unchanged folder is answered from its summary row and the result has no manifest.
   */
  private Hashed hashPath(
      Path abs, String algo, boolean store, boolean needManifest, ProgressListener progress) {
    return hashPath(abs, algo, store, needManifest, progress, null);
  }

  /**
   * Like {@link #hashPath(Path, String, boolean, boolean, ProgressListener)}; with {@code addedAs}
   * (the caller's path, for the message), a folder holding pointer files is rejected before
   * anything is cached, as DVC rejects overlapping outputs.
   */
  private Hashed hashPath(
      Path abs,
      String algo,
      boolean store,
      boolean needManifest,
      ProgressListener progress,
      Path addedAs) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(abs, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no file or folder " + abs + " in the workspace", e);
    } catch (IOException e) {
      throw new StoreException("cannot read " + abs + ": " + e.getMessage(), e);
    }
    String task = (store ? "adding " : "hashing ") + rel(abs);
    if (attrs.isRegularFile()) {
      Item item = new Item(abs.getFileName().toString(), abs, StateTable.Stat.of(attrs));
      Optional<String> known = state.lookup(abs, item.stat(), algo);
      List<StateTable.Row> rows = new ArrayList<>();
      String md5 = hashItem(item, known.orElse(null), algo, store, rows, null, null);
      state.record(rows, algo);
      Progress.report(progress, task, attrs.size(), attrs.size());
      return new Hashed(md5, attrs.size(), -1, null);
    }
    if (!attrs.isDirectory()) {
      throw new InvalidInputException("path", abs, "a regular file or a folder");
    }
    List<Item> items = walk(abs);
    if (addedAs != null) {
      for (Item it : items) {
        if (it.relpath().endsWith(".dvc")) {
          throw new InvalidInputException(
              "path",
              addedAs,
              "a path that does not overlap other tracked outputs: it holds the pointer file "
                  + rel(it.path())
                  + " (remove that pointer first)");
        }
      }
    }
    StateTable.Stat summary = fingerprint(items);
    if (!store && !needManifest) {
      Optional<String> oid = state.lookup(abs, summary, folderAlgo(algo));
      if (oid.isPresent()) {
        Progress.report(progress, task, items.size(), items.size());
        return new Hashed(oid.get(), summary.size(), items.size(), null);
      }
    }
    Map<String, StateTable.Row> known = state.under(abs, algo);
    Set<String> cached = store && items.size() > LIST_THRESHOLD ? cache.list(false) : null;
    Predicate<String> present =
        cached != null ? cached::contains : oid -> cache.contains(oid, false);
    Progress done = new Progress(progress, task, items.size()).start();
    List<Manifest.Entry> entries = new ArrayList<>(items.size());
    List<StateTable.Row> rows = new ArrayList<>();
    ObjectStore.Pending pending = store ? new ObjectStore.Pending() : null;
    // files whose state row still matches need no work (status of an unchanged folder): no pool
    List<Item> work = new ArrayList<>();
    for (Item it : items) {
      StateTable.Row row = known.get(it.path().toString());
      if (row != null && row.stat().equals(it.stat()) && (!store || present.test(row.md5()))) {
        entries.add(new Manifest.Entry(it.relpath(), row.md5(), it.stat().size()));
      } else {
        work.add(it);
      }
    }
    if (!entries.isEmpty()) {
      done.add(entries.size());
    }
    try {
      Parallel.forChunks(
          cpu,
          work,
          BATCH,
          batch -> {
            List<StateTable.Row> localRows = new ArrayList<>();
            List<Manifest.Entry> localEntries = new ArrayList<>(batch.size());
            for (Item it : batch) {
              StateTable.Row row = known.get(it.path().toString());
              String k = row != null && row.stat().equals(it.stat()) ? row.md5() : null;
              String md5 = hashItem(it, k, algo, store, localRows, present, pending);
              localEntries.add(new Manifest.Entry(it.relpath(), md5, it.stat().size()));
            }
            synchronized (entries) {
              entries.addAll(localEntries);
              rows.addAll(localRows);
            }
            done.add(batch.size());
          });
    } catch (RuntimeException e) {
      if (pending != null) {
        cache.abort(pending);
      }
      throw e;
    }
    Manifest manifest = Manifest.of(entries);
    String oid = manifest.oid();
    // the state rows are written while the objects are renamed into place
    Runnable remember =
        () -> {
          state.record(rows, algo);
          state.record(List.of(new StateTable.Row(abs.toString(), summary, oid)), folderAlgo(algo));
        };
    if (store) {
      try {
        cache.commit(pending, cpu, List.of(remember));
        cache.insertManifest(manifest);
      } catch (IOException e) {
        throw new StoreException("cannot write the cache of " + abs + ": " + e.getMessage(), e);
      }
    } else {
      remember.run();
    }
    return new Hashed(oid, manifest.size(), entries.size(), manifest);
  }

  /** Hashes (and with {@code store} caches) one file, adding a state row when it was hashed. */
  private String hashItem(
      Item it,
      String known,
      String algo,
      boolean store,
      List<StateTable.Row> rows,
      Predicate<String> present,
      ObjectStore.Pending pending) {
    try {
      if (known != null) {
        if (store && !(present != null ? present.test(known) : cache.contains(known, false))) {
          String md5 = insert(it.path(), present, pending);
          if (!md5.equals(known)) {
            rows.add(new StateTable.Row(it.path().toString(), it.stat(), md5));
          }
          return md5;
        }
        return known;
      }
      String md5;
      if (store) {
        md5 = insert(it.path(), present, pending);
      } else if (DOS2UNIX.equals(algo)) {
        try (InputStream in = Files.newInputStream(it.path())) {
          md5 = Hashing.md5Dos2Unix(in);
        }
      } else {
        md5 = Hashing.md5(it.path());
      }
      rows.add(new StateTable.Row(it.path().toString(), it.stat(), md5));
      return md5;
    } catch (IOException e) {
      throw new StoreException("cannot hash " + it.path() + ": " + e.getMessage(), e);
    }
  }

  private String insert(Path file, Predicate<String> present, ObjectStore.Pending pending)
      throws IOException {
    return pending == null ? cache.insert(file) : cache.insertFile(file, present, pending);
  }

  @Override
  public DataVersion hash(Path path) {
    Path abs = resolve(path, "path");
    return hashPath(abs, MD5, false, ProgressListener.NONE).version(rel(abs));
  }

  @Override
  public DataVersion commit(Path path) {
    Path abs = resolve(path, "path");
    Hashed h = hashPath(abs, MD5, true, ProgressListener.NONE);
    relink(abs, h);
    return h.version(rel(abs));
  }

  @Override
  public DataVersion add(Path path) {
    return add(path, ProgressListener.NONE);
  }

  @Override
  public DataVersion add(Path path, ProgressListener progress) {
    Path abs = resolve(path, "path");
    if (abs.equals(workspace) || abs.startsWith(home) || abs.startsWith(cache.root())) {
      throw new InvalidInputException(
          "path", path, "a file or folder of the workspace, not the workspace, home or cache");
    }
    String name = abs.getFileName().toString();
    if (name.endsWith(".dvc") || name.equals(".dvc") || name.equals(".git")) {
      throw new InvalidInputException("path", path, "a data file or folder, not a .dvc/.git entry");
    }
    for (Path part : workspace.relativize(abs)) {
      String n = part.toString();
      if (n.equals(".dvc") || n.equals(".git") || n.equals(".hg")) {
        throw new InvalidInputException(
            "path", path, "a data file or folder, not inside " + n + " (DVC ignores it)");
      }
    }
    if (!Files.exists(abs)) {
      throw new InvalidInputException("path", path, "an existing file or folder in the workspace");
    }
    rejectTrackedParent(abs, path);
    Yaml.Node previous = previousPointer(pointerFor(abs));
    boolean isexec = isExec(abs);
    Hashed h =
        hashPath(abs, MD5, true, true, progress == null ? ProgressListener.NONE : progress, path);
    relink(abs, h);
    if (isexec) {
      setExec(abs);
    }
    try {
      AtomicFiles.write(
          pointerFor(abs),
          PointerFile.render(name, h.oid(), h.size(), h.nfiles(), isexec, previous));
    } catch (IOException e) {
      throw new StoreException("cannot write " + pointerFor(abs) + ": " + e.getMessage(), e);
    }
    gitignore(abs);
    return h.version(rel(abs));
  }

  /**
   * Rejects a path inside a folder another pointer tracks ({@code <folder>.dvc}), as DVC's
   * "overlapping with other DVC tracked output" error.
   */
  private void rejectTrackedParent(Path abs, Path path) {
    for (Path a = abs.getParent();
        a != null && a.startsWith(workspace) && !a.equals(workspace);
        a = a.getParent()) {
      Path pointer = pointerFor(a);
      if (!Files.isRegularFile(pointer)) {
        continue;
      }
      for (PointerFile.Out o : PointerFile.read(pointer).outs()) {
        if (abs.startsWith(o.absolute())) {
          throw new InvalidInputException(
              "path",
              path,
              "a path that does not overlap other tracked outputs: "
                  + rel(o.absolute())
                  + " is tracked by "
                  + rel(pointer)
                  + " (add that folder again to include changes)");
        }
      }
    }
  }

  /** The pointer being replaced, parsed, or null when there is none or it is unreadable. */
  private static Yaml.Node previousPointer(Path pointer) {
    if (!Files.isRegularFile(pointer)) {
      return null;
    }
    try {
      return Yaml.parse(pointer, Files.readAllBytes(pointer));
    } catch (IOException | MlopsException e) {
      log.warn("replacing unreadable pointer {}: {}", pointer, e.getMessage());
      return null;
    }
  }

  /** Whether a regular file has an execute bit (DVC's {@code is_exec}: any of u, g, o). */
  private static boolean isExec(Path abs) {
    if (!Files.isRegularFile(abs)) {
      return false;
    }
    try {
      Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(abs);
      return perms.contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)
          || perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE)
          || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  /** Adds the owner execute bit, as DVC's {@code set_exec} after a checkout of an isexec file. */
  private static void setExec(Path file) {
    try {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        Set<java.nio.file.attribute.PosixFilePermission> perms =
            new HashSet<>(Files.getPosixFilePermissions(file));
        if (perms.add(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)) {
          Files.setPosixFilePermissions(file, perms);
        }
      }
    } catch (UnsupportedOperationException e) {
      log.debug("no POSIX permissions for {}", file);
    } catch (IOException e) {
      throw new StoreException("cannot make " + file + " executable: " + e.getMessage(), e);
    }
  }

  /** A checkout action that also restores the execute bit of an {@code isexec} file output. */
  private Runnable withExec(PointerFile.Out o, Runnable plan) {
    if (!o.isexec() || o.isDir()) {
      return plan;
    }
    return () -> {
      plan.run();
      setExec(o.absolute());
    };
  }

  private void gitignore(Path abs) {
    Path file = abs.resolveSibling(".gitignore");
    String entry = gitignoreEscape("/" + abs.getFileName());
    synchronized (gitignoreLock) {
      try {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        for (String line : text.split("\r?\n")) {
          if (line.equals(entry) || line.trim().equals(entry)) {
            return;
          }
        }
        String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        AtomicFiles.write(file, (text + sep + entry + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new StoreException("cannot update " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Escapes a .gitignore entry as DVC does (scmrepo through pathspec's {@code
   * GitWildMatchPattern.escape}): a backslash before each of {@code []!*#?}.
   */
  static String gitignoreEscape(String entry) {
    StringBuilder sb = new StringBuilder(entry.length() + 8);
    for (int i = 0; i < entry.length(); i++) {
      char c = entry.charAt(i);
      if ("[]!*#?".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** With hardlink/symlink first in the link list, replaces workspace files by links. */
  private void relink(Path abs, Hashed h) {
    LinkType first = linkTypes.get(0);
    if (first != LinkType.HARDLINK && first != LinkType.SYMLINK) {
      return;
    }
    if (h.manifest() == null) {
      materialize(h.oid(), false, abs);
      return;
    }
    materializeAll(h.manifest().entries(), false, abs);
  }

  /** Places the files of a folder version under {@code dir} in parallel; one state write. */
  private void materializeAll(List<Manifest.Entry> entries, boolean legacy, Path dir) {
    List<StateTable.Row> rows = new ArrayList<>(entries.size());
    try {
      Parallel.forChunks(
          cpu,
          entries,
          BATCH,
          batch -> {
            List<StateTable.Row> local = new ArrayList<>(batch.size());
            for (Manifest.Entry e : batch) {
              materialize(e.md5(), legacy, dir.resolve(e.relpath()), local);
            }
            synchronized (rows) {
              rows.addAll(local);
            }
          });
    } finally {
      // what was placed is remembered even when another file failed
      state.record(rows, legacy ? DOS2UNIX : MD5);
    }
  }

  // ---------------------------------------------------------------- materializing

  /** Places a cached object at {@code target} with the configured link types; verifies it first. */
  private void materialize(String oid, boolean legacy, Path target) {
    List<StateTable.Row> rows = new ArrayList<>();
    materialize(oid, legacy, target, rows);
    state.record(rows, legacy ? DOS2UNIX : MD5);
  }

  /**
   * Like {@link #materialize(String, boolean, Path)}, adding the target's state row to {@code
   * rows}. A missing parent folder is created when the first write finds it missing.
   */
  private void materialize(String oid, boolean legacy, Path target, List<StateTable.Row> rows) {
    try {
      for (LinkType type : linkTypes) {
        Path tmp = AtomicFiles.tempSibling(target);
        boolean placed = false;
        try {
          switch (type) {
            case COPY -> {
              try {
                cache.copyOut(oid, legacy, tmp);
              } catch (NoSuchFileException e) {
                Files.createDirectories(target.getParent());
                cache.copyOut(oid, legacy, tmp);
              }
            }
            case REFLINK -> {
              if (!reflink(oid, legacy, tmp)) {
                continue;
              }
            }
            case HARDLINK -> {
              Path obj = located(oid, legacy);
              verifyCached(oid, legacy, obj);
              try {
                Files.createDirectories(target.getParent());
                Files.createLink(tmp, obj);
              } catch (IOException | UnsupportedOperationException e) {
                log.debug("hardlink {} -> {} failed: {}", target, obj, e.toString());
                continue;
              }
            }
            case SYMLINK -> {
              Path obj = located(oid, legacy);
              verifyCached(oid, legacy, obj);
              try {
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(tmp, obj);
              } catch (IOException | UnsupportedOperationException e) {
                log.debug("symlink {} -> {} failed: {}", target, obj, e.toString());
                continue;
              }
            }
          }
          placeFile(tmp, target);
          placed = true;
          BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
          rows.add(new StateTable.Row(target.toString(), StateTable.Stat.of(a), oid));
          return;
        } finally {
          if (!placed) {
            Files.deleteIfExists(tmp);
          }
        }
      }
      throw new StoreException(
          "none of the link types " + linkTypes + " could place " + oid + " at " + target);
    } catch (IOException e) {
      throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private Path located(String oid, boolean legacy) {
    return cache.locate(oid, legacy).orElseThrow(() -> ObjectStore.missing(oid));
  }

  /** Renames {@code tmp} to {@code target}, replacing a folder found there. */
  private static void placeFile(Path tmp, Path target) throws IOException {
    try {
      AtomicFiles.move(tmp, target);
    } catch (IOException e) {
      if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
      deleteTree(target);
      AtomicFiles.move(tmp, target);
    }
  }

  private boolean reflink(String oid, boolean legacy, Path tmp) throws IOException {
    Path dir = tmp.getParent();
    Boolean works = reflinkDirs.get(dir);
    if (works == null) {
      Files.createDirectories(dir);
      works = reflinkDirs.computeIfAbsent(dir, this::reflinkSupported);
    }
    if (!works) {
      return false;
    }
    Path obj = located(oid, legacy);
    if (Files.size(obj) < (1 << 20)) {
      return false;
    }
    verifyCached(oid, legacy, obj);
    try {
      Process p =
          new ProcessBuilder("cp", "--reflink=always", obj.toString(), tmp.toString())
              .redirectErrorStream(true)
              .start();
      p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      if (p.waitFor() == 0) {
        tmp.toFile().setWritable(true, true);
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while linking " + obj, e);
    }
    return false;
  }

  /** Whether {@code cp --reflink=always} works from the cache into {@code dir} (probed once). */
  private boolean reflinkSupported(Path dir) {
    String key;
    try {
      key = String.valueOf(Files.getFileStore(dir)) + "|" + Files.getFileStore(cache.root());
    } catch (IOException e) {
      return false;
    }
    return reflinkSupport.computeIfAbsent(
        key,
        k -> {
          try {
            Path src = Files.createTempFile(cache.root(), ".reflink", ".probe");
            Path dst = dir.resolve(".reflink-probe-" + System.nanoTime());
            try {
              Process p =
                  new ProcessBuilder("cp", "--reflink=always", src.toString(), dst.toString())
                      .redirectErrorStream(true)
                      .start();
              p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
              boolean ok = p.waitFor() == 0;
              log.debug("reflink between {} and {}: {}", cache.root(), dir, ok);
              return ok;
            } finally {
              Files.deleteIfExists(src);
              Files.deleteIfExists(dst);
            }
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  /** Verifies a cache object unless the state table says it was verified with this stat. */
  private void verifyCached(String oid, boolean legacy, Path obj) throws IOException {
    String algo = legacy ? DOS2UNIX : MD5;
    StateTable.Stat stat = StateTable.Stat.of(Files.readAttributes(obj, BasicFileAttributes.class));
    if (state.lookup(obj, stat, algo).filter(oid::equals).isPresent()) {
      return;
    }
    cache.verify(oid, legacy);
    state.record(List.of(new StateTable.Row(obj.toString(), stat, oid)), algo);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          deleteTree(c);
        }
      }
    }
    Files.delete(p);
  }

  // ---------------------------------------------------------------- cache queries

  /** Which objects the cache holds, answering many questions with one listing when worth it. */
  private final class CacheIndex {
    private Set<String> listed;
    private Set<String> listedLegacy;
    private int queries;

    boolean has(String oid, boolean legacy) {
      if (++queries > LIST_THRESHOLD) {
        if (legacy) {
          if (listedLegacy == null) {
            listedLegacy = cache.list(true);
          }
          return listedLegacy.contains(oid);
        }
        if (listed == null) {
          listed = cache.list(false);
        }
        return listed.contains(oid);
      }
      return cache.contains(oid, legacy);
    }
  }

  private boolean cachedFully(String oid, boolean legacy, CacheIndex index) {
    if (!oid.endsWith(".dir")) {
      return index.has(oid, legacy);
    }
    // a folder found complete before, with no object added or removed since, still is: the
    // stamp is taken before the check, so a removal during the check changes the next stamp
    Optional<StateTable.Stat> stamp = cache.foldersStamp(legacy, RACY_NANOS);
    Path key = legacy ? cache.legacyPath(oid) : cache.path(oid);
    if (stamp.isPresent()
        && state.lookup(key, stamp.get(), CACHED_ALGO).filter(oid::equals).isPresent()) {
      return true;
    }
    boolean complete = folderCachedFully(oid, legacy, index);
    if (complete && stamp.isPresent()) {
      state.record(List.of(new StateTable.Row(key.toString(), stamp.get(), oid)), CACHED_ALGO);
    }
    return complete;
  }

  /** The state-table name of "this folder object and all its files are in the cache" rows. */
  private static final String CACHED_ALGO = "cached:dir";

  /** Cache folders changed more recently than this are not trusted by a stamp (clock ticks). */
  private static final long RACY_NANOS = 2_000_000_000L;

  private boolean folderCachedFully(String oid, boolean legacy, CacheIndex index) {
    if (!index.has(oid, legacy)) {
      return false;
    }
    Manifest m;
    try {
      m = cache.manifest(oid, legacy);
    } catch (NotFoundException | StoreException e) {
      return false;
    }
    for (Manifest.Entry e : m.entries()) {
      if (!index.has(e.md5(), legacy)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the object is in the DVC 2 location only (a legacy version). */
  private boolean legacyOf(String oid) {
    return !cache.contains(oid, false) && cache.contains(oid, true);
  }

  @Override
  public boolean isCached(DataVersion version) {
    String oid = oidOf(version);
    if (!oid.endsWith(".dir") && cache.contains(oid, false)) {
      return true; // the common case in one stat (pipeline status asks this per output)
    }
    return cachedFully(oid, legacyOf(oid), new CacheIndex());
  }

  private static String oidOf(DataVersion v) {
    if (v == null || !Hashing.isOid(v.md5())) {
      throw new InvalidInputException(
          "version",
          v,
          "a DataVersion with an md5 of 32 lowercase hex digits (+ .dir for folders)");
    }
    return v.md5();
  }

  // ---------------------------------------------------------------- status

  /** A pointer output with the pointer that holds it. */
  private record Tracked(Path pointer, PointerFile.Out out) {}

  /** Every pointer file and dvc.lock in the workspace (not inside tracked folders). */
  private List<Path> findFiles(boolean locks) {
    List<Path> out = new ArrayList<>();
    try {
      Files.walkFileTree(
          workspace,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              if (d.equals(workspace)) {
                return FileVisitResult.CONTINUE;
              }
              String name = d.getFileName().toString();
              if (name.equals(".git")
                  || name.equals(".dvc")
                  || name.equals(".hg")
                  || d.equals(home)
                  || d.equals(cache.root())
                  || Files.isRegularFile(d.resolveSibling(name + ".dvc"))) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
              String name = f.getFileName().toString();
              if (attrs.isRegularFile()
                  && ((name.endsWith(".dvc") && name.length() > 4)
                      || (locks && name.equals("dvc.lock")))) {
                out.add(f);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
              log.debug("skipping unreadable {}: {}", f, e.toString());
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new StoreException("cannot walk the workspace " + workspace + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private List<Tracked> tracked() {
    List<Tracked> out = new ArrayList<>();
    for (Path p : findFiles(false)) {
      for (PointerFile.Out o : PointerFile.read(p).outs()) {
        confine(o, p);
        out.add(new Tracked(p, o));
      }
    }
    return out;
  }

  /** Rejects an output whose path leads outside the workspace (e.g. {@code ../x}). */
  private void confine(PointerFile.Out o, Path pointer) {
    if (!o.absolute().startsWith(workspace) || o.absolute().equals(workspace)) {
      throw new InvalidInputException(
          pointer == null ? "output path" : pointer + " path",
          o.path(),
          "a path inside the workspace " + workspace);
    }
  }

  @Override
  public DataStatus status() {
    Map<String, DataState> changes = new TreeMap<>();
    CacheIndex index = new CacheIndex();
    for (Tracked t : tracked()) {
      PointerFile.Out o = t.out();
      stateOf(o, index).ifPresent(s -> changes.put(rel(o.absolute()), s));
    }
    return new DataStatus(changes);
  }

  private Optional<DataState> stateOf(PointerFile.Out o, CacheIndex index) {
    confine(o, null);
    boolean checkCache = o.md5() != null && o.cached();
    boolean exists = Files.exists(o.absolute());
    if (!exists || o.md5() == null) {
      if (checkCache && !cachedFully(o.md5(), o.legacy(), index)) {
        return Optional.of(DataState.NOT_IN_CACHE);
      }
      return Optional.of(exists ? DataState.MODIFIED : DataState.DELETED);
    }
    // the cache check (listing, manifest) runs while the workspace copy is walked and hashed
    Future<Boolean> inCache =
        checkCache ? io.submit(() -> cachedFully(o.md5(), o.legacy(), index)) : null;
    Hashed h;
    try {
      h = hashPath(o.absolute(), o.legacy() ? DOS2UNIX : MD5, false, false, ProgressListener.NONE);
    } catch (RuntimeException e) {
      if (inCache != null && !join(inCache)) {
        return Optional.of(DataState.NOT_IN_CACHE);
      }
      throw e;
    }
    if (inCache != null && !join(inCache)) {
      return Optional.of(DataState.NOT_IN_CACHE);
    }
    return h.oid().equals(o.md5()) ? Optional.empty() : Optional.of(DataState.MODIFIED);
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new MlopsException("a versioning task failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted", e);
    }
  }

  // ---------------------------------------------------------------- checkout

  private Path pointerPath(Path pointer) {
    Path abs = resolve(pointer, "pointer");
    if (!abs.getFileName().toString().endsWith(".dvc")) {
      abs = pointerFor(abs);
    }
    if (!Files.isRegularFile(abs)) {
      throw new NotFoundException("no pointer file " + abs + " (expected <data path>.dvc)");
    }
    return abs;
  }

  @Override
  public void checkout(Path pointer) {
    checkout(pointer, false);
  }

  @Override
  public void checkout(Path pointer, boolean force) {
    Path p = pointerPath(pointer);
    List<Runnable> plans = new ArrayList<>();
    for (PointerFile.Out o : PointerFile.read(p).outs()) {
      confine(o, p);
      plans.add(withExec(o, plan(o.md5(), o.legacy(), o.absolute(), force, p)));
    }
    plans.forEach(Runnable::run);
  }

  @Override
  public void checkout() {
    List<Runnable> plans = new ArrayList<>();
    for (Tracked t : tracked()) {
      if (t.out().cached() && t.out().md5() != null) {
        plans.add(
            withExec(
                t.out(),
                plan(t.out().md5(), t.out().legacy(), t.out().absolute(), false, t.pointer())));
      }
    }
    plans.forEach(Runnable::run);
  }

  @Override
  public void restore(DataVersion version, Path target) {
    String oid = oidOf(version);
    Path abs = resolve(target, "target");
    plan(oid, legacyOf(oid), abs, true, null).run();
  }

  /**
   * Checks everything a checkout of {@code oid} to {@code target} needs (objects present, no
   * uncached change would be lost) and returns the action; nothing is changed until it runs.
   */
  private Runnable plan(String oid, boolean legacy, Path target, boolean force, Path pointer) {
    String where = pointer == null ? target.toString() : pointer.toString();
    if (oid == null) {
      throw new InvalidInputException(where, null, "an output with an md5 to check out");
    }
    if (!cache.contains(oid, legacy)) {
      throw new NotFoundException(
          "object "
              + oid
              + " of "
              + where
              + " is not in the cache "
              + cache.root()
              + "; pull it from a remote");
    }
    String algo = legacy ? DOS2UNIX : MD5;
    if (!oid.endsWith(".dir")) {
      if (Files.isRegularFile(target)) {
        String cur = hashPath(target, algo, false, ProgressListener.NONE).oid();
        if (cur.equals(oid)) {
          return () -> {};
        }
        if (!force && !cache.contains(cur, legacy)) {
          throw conflict(where, List.of(rel(target)));
        }
      } else if (Files.isDirectory(target) && !force) {
        throw conflict(where, List.of(rel(target) + "/"));
      }
      return () -> materialize(oid, legacy, target);
    }
    Manifest manifest = cache.manifest(oid, legacy);
    CacheIndex index = new CacheIndex();
    for (Manifest.Entry e : manifest.entries()) {
      if (!index.has(e.md5(), legacy)) {
        throw new NotFoundException(
            "object "
                + e.md5()
                + " ("
                + e.relpath()
                + ") of "
                + where
                + " is not in the cache; pull it from a remote");
      }
    }
    Map<String, String> current = new HashMap<>();
    boolean replaceFile = false;
    if (Files.isRegularFile(target)) {
      String cur = hashPath(target, algo, false, ProgressListener.NONE).oid();
      if (!force && !cache.contains(cur, legacy)) {
        throw conflict(where, List.of(rel(target)));
      }
      replaceFile = true;
    } else if (Files.isDirectory(target)) {
      // an unchanged folder is answered from its summary row; the manifest only when it differs
      Hashed h = hashPath(target, algo, false, false, ProgressListener.NONE);
      if (h.oid().equals(oid)) {
        return () -> {};
      }
      if (h.manifest() == null) {
        h = hashPath(target, algo, false, true, ProgressListener.NONE);
      }
      List<String> lost = new ArrayList<>();
      for (Manifest.Entry e : h.manifest().entries()) {
        current.put(e.relpath(), e.md5());
        Optional<Manifest.Entry> want = manifest.entry(e.relpath());
        boolean differs = want.isEmpty() || !want.get().md5().equals(e.md5());
        if (differs && !force && !index.has(e.md5(), legacy)) {
          lost.add(rel(target.resolve(e.relpath())));
        }
      }
      if (!lost.isEmpty()) {
        throw conflict(where, lost);
      }
    }
    boolean dropFile = replaceFile;
    return () -> {
      try {
        if (dropFile) {
          Files.delete(target);
        }
        for (String r : current.keySet()) {
          if (manifest.entry(r).isEmpty()) {
            Path f = target.resolve(r);
            Files.deleteIfExists(f);
            pruneEmpty(f.getParent(), target);
          }
        }
        List<Manifest.Entry> pending = new ArrayList<>();
        for (Manifest.Entry e : manifest.entries()) {
          if (!e.md5().equals(current.get(e.relpath()))) {
            pending.add(e);
          }
        }
        Files.createDirectories(target);
        materializeAll(pending, legacy, target);
      } catch (IOException e) {
        throw new StoreException("cannot check out " + target + ": " + e.getMessage(), e);
      }
    };
  }

  private static void pruneEmpty(Path dir, Path root) throws IOException {
    while (dir != null && dir.startsWith(root) && !dir.equals(root)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          return;
        }
      }
      Files.delete(dir);
      dir = dir.getParent();
    }
  }

  private static ConflictException conflict(String where, List<String> paths) {
    List<String> shown = paths.size() > 10 ? paths.subList(0, 10) : paths;
    return new ConflictException(
        "checkout of "
            + where
            + " would lose changes that are not in the cache: "
            + shown
            + (paths.size() > 10 ? " and " + (paths.size() - 10) + " more" : "")
            + "; add them first, or check out with force");
  }

  // ---------------------------------------------------------------- reading versions

  @Override
  public InputStream open(DataVersion version) {
    String oid = oidOf(version);
    if (oid.endsWith(".dir")) {
      throw new InvalidInputException(
          "version", version.path(), "a file version; use open(version, relpath) for a folder");
    }
    return cache.open(oid, legacyOf(oid));
  }

  @Override
  public InputStream open(DataVersion version, String relpath) {
    String oid = oidOf(version);
    if (!oid.endsWith(".dir")) {
      throw new InvalidInputException(
          "version", version.path(), "a folder version (md5 ending in .dir)");
    }
    boolean legacy = legacyOf(oid);
    Manifest m = cache.manifest(oid, legacy);
    Manifest.Entry e =
        m.entry(relpath)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no file "
                            + relpath
                            + " in folder version "
                            + oid
                            + " ("
                            + version.path()
                            + ")"));
    return cache.open(e.md5(), legacy);
  }

  @Override
  public DataDiff diff(DataVersion from, DataVersion to) {
    String a = oidOf(from);
    String b = oidOf(to);
    if (!a.endsWith(".dir") || !b.endsWith(".dir")) {
      throw new InvalidInputException(
          "version", a.endsWith(".dir") ? b : a, "folder versions (md5 ending in .dir)");
    }
    Manifest ma = cache.manifest(a, legacyOf(a));
    Manifest mb = cache.manifest(b, legacyOf(b));
    List<String> added = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    List<String> modified = new ArrayList<>();
    for (Manifest.Entry e : mb.entries()) {
      Optional<Manifest.Entry> old = ma.entry(e.relpath());
      if (old.isEmpty()) {
        added.add(e.relpath());
      } else if (!old.get().md5().equals(e.md5())) {
        modified.add(e.relpath());
      }
    }
    for (Manifest.Entry e : ma.entries()) {
      if (mb.entry(e.relpath()).isEmpty()) {
        deleted.add(e.relpath());
      }
    }
    return new DataDiff(added, deleted, modified);
  }

  // ---------------------------------------------------------------- gc

  /** An object to keep or transfer. */
  private record Obj(String oid, boolean legacy) {}

  /** Every object the workspace refers to, files before manifests; missing manifests noted. */
  private Map<Obj, Boolean> referenced(boolean withLocks, List<String> missingManifests) {
    return referenced(withLocks, missingManifests, false);
  }

  /** Like {@link #referenced(boolean, List)}; {@code forPush} leaves out {@code push: false}. */
  private Map<Obj, Boolean> referenced(
      boolean withLocks, List<String> missingManifests, boolean forPush) {
    Map<Obj, Boolean> files = new LinkedHashMap<>();
    Map<Obj, Boolean> dirs = new LinkedHashMap<>();
    for (Path f : findFiles(withLocks)) {
      List<PointerFile.Out> outs =
          f.getFileName().toString().equals("dvc.lock")
              ? LockFile.outs(f)
              : PointerFile.read(f).outs();
      for (PointerFile.Out o : outs) {
        if (o.md5() == null || !o.cached() || (forPush && !o.push())) {
          continue;
        }
        Obj obj = new Obj(o.md5(), o.legacy());
        if (!o.isDir()) {
          files.put(obj, true);
          continue;
        }
        dirs.put(obj, true);
        if (cache.contains(o.md5(), o.legacy())) {
          for (Manifest.Entry e : cache.manifest(o.md5(), o.legacy()).entries()) {
            files.put(new Obj(e.md5(), o.legacy()), true);
          }
        } else if (missingManifests != null) {
          missingManifests.add(o.md5());
        }
      }
    }
    files.putAll(dirs);
    return files;
  }

  @Override
  public List<String> gc(boolean dryRun) {
    Set<Obj> keep = referenced(true, null).keySet();
    List<String> removed = new ArrayList<>();
    for (boolean legacy : new boolean[] {false, true}) {
      for (String oid : cache.list(legacy)) {
        if (!keep.contains(new Obj(oid, legacy))) {
          removed.add(oid);
          if (!dryRun) {
            try {
              cache.delete(oid, legacy);
            } catch (IOException e) {
              throw new StoreException(
                  "cannot delete cache object " + oid + ": " + e.getMessage(), e);
            }
          }
        }
      }
    }
    removed.sort(Comparator.naturalOrder());
    log.info(
        "gc {} {} unreferenced objects from {}",
        dryRun ? "would remove" : "removed",
        removed.size(),
        cache.root());
    return removed;
  }

  // ---------------------------------------------------------------- remotes

  @Override
  public void addRemote(String name, URI uri) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", name, "a non-empty remote name");
    }
    if (uri == null) {
      throw new InvalidInputException("uri", null, "a remote URI such as file:///mnt/backup");
    }
    provider(uri);
    remotes.put(name, uri);
  }

  /** The remotes known now: .dvc/config ones, overridden by {@link #addRemote}. */
  public Map<String, URI> remotes() {
    Map<String, URI> out = new LinkedHashMap<>();
    Path dvcDir = workspace.resolve(".dvc");
    dvcConfig().remotes().forEach((n, url) -> out.put(n, toUri(url, dvcDir)));
    out.putAll(remotes);
    return out;
  }

  private static URI toUri(String url, Path base) {
    if (url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || url.startsWith("file:")) {
      return URI.create(url);
    }
    return base.resolve(url).normalize().toUri();
  }

  private DataRemoteProvider provider(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    List<String> known = new ArrayList<>();
    for (DataRemoteProvider p :
        ServiceLoader.load(DataRemoteProvider.class, getClass().getClassLoader())) {
      if (p.schemes().contains(scheme)) {
        return p;
      }
      known.addAll(p.schemes());
    }
    if (scheme.equals("s3")) {
      throw new InvalidInputException(
          "remote uri", uri, "a file: URI; S3 remotes are not available yet");
    }
    throw new InvalidInputException("remote uri", uri, "a URI with one of the schemes " + known);
  }

  private DataRemote openRemote(String name) {
    Map<String, URI> all = remotes();
    String n = name;
    if (n == null || n.isBlank()) {
      n = dvcConfig().get("core", "remote").orElse(null);
      if (n == null) {
        throw new InvalidInputException(
            "remote", name, "a remote name (no default: set core.remote in .dvc/config)");
      }
    }
    URI uri = all.get(n);
    if (uri == null) {
      throw new NotFoundException(
          "unknown remote '"
              + n
              + "'; known remotes: "
              + all.keySet()
              + " (addRemote or .dvc/config)");
    }
    return provider(uri).open(uri);
  }

  /**
   * The pool for transfers with a remote: a folder remote is bound by this machine's CPU (more
   * threads than cores only contend), other remotes by latency.
   */
  private ExecutorService transferPool(DataRemote r) {
    return "file".equalsIgnoreCase(r.uri().getScheme()) ? cpu : io;
  }

  private static String remoteKey(Obj o) {
    return o.legacy() ? ObjectStore.legacyKey(o.oid()) : ObjectStore.key(o.oid());
  }

  @Override
  public void push(String remote) {
    push(remote, ProgressListener.NONE);
  }

  @Override
  public void push(String remote, ProgressListener progress) {
    try (DataRemote r = openRemote(remote)) {
      List<Obj> wanted = new ArrayList<>();
      List<Obj> manifests = new ArrayList<>();
      CacheIndex index = new CacheIndex();
      int missing = 0;
      for (Obj o : referenced(false, null, true).keySet()) {
        if (!index.has(o.oid(), o.legacy())) {
          missing++;
          continue;
        }
        (o.oid().endsWith(".dir") ? manifests : wanted).add(o);
      }
      if (missing > 0) {
        log.warn("{} referenced objects are not in the cache and were not pushed", missing);
      }
      Set<String> present = remoteKeys(r, wanted.size() + manifests.size());
      List<Obj> files = absent(r, wanted, present);
      List<Obj> dirs = absent(r, manifests, present);
      long total = (long) files.size() + dirs.size();
      Progress done = new Progress(progress, "pushing to " + r.uri(), total).start();
      // files first, made durable and visible before the manifests that name them
      for (List<Obj> phase : List.of(files, dirs)) {
        Parallel.forChunks(
            transferPool(r),
            phase,
            TRANSFER_BATCH,
            batch -> {
              for (Obj o : batch) {
                // one read of the object, verified while it is copied to the remote
                try (InputStream in = cache.open(o.oid(), o.legacy())) {
                  r.put(remoteKey(o), in, -1);
                } catch (IOException e) {
                  throw new StoreException("cannot push " + o.oid() + ": " + e.getMessage(), e);
                }
              }
              done.add(batch.size());
            });
        r.flush();
      }
      log.info("pushed {} objects to {}", total, r.uri());
    }
  }

  private Set<String> remoteKeys(DataRemote r, int count) {
    if (count <= LIST_THRESHOLD) {
      return null;
    }
    Set<String> keys = new HashSet<>(r.list("files/md5/"));
    keys.addAll(r.list(""));
    return keys;
  }

  private List<Obj> absent(DataRemote r, List<Obj> objs, Set<String> present) {
    if (present != null) {
      List<Obj> out = new ArrayList<>();
      for (Obj o : objs) {
        if (!present.contains(remoteKey(o))) {
          out.add(o);
        }
      }
      return out;
    }
    List<Obj> out = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Runnable> tasks = new ArrayList<>();
    for (Obj o : objs) {
      tasks.add(
          () -> {
            if (!r.exists(remoteKey(o))) {
              out.add(o);
            }
          });
    }
    Parallel.runAll(io, tasks);
    List<Obj> sorted = new ArrayList<>(out);
    sorted.sort(Comparator.comparing(Obj::oid));
    return sorted;
  }

  @Override
  public void fetch(String remote) {
    fetch(remote, ProgressListener.NONE);
  }

  @Override
  public void fetch(String remote, ProgressListener progress) {
    try (DataRemote r = openRemote(remote)) {
      String task = "fetching from " + r.uri();
      List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
      // manifests first: they name the folder's files
      List<Obj> dirs = new ArrayList<>();
      Map<Obj, Boolean> wanted = new LinkedHashMap<>();
      for (Tracked t : tracked()) {
        PointerFile.Out o = t.out();
        if (o.md5() == null || !o.cached()) {
          continue;
        }
        if (o.isDir()) {
          dirs.add(new Obj(o.md5(), o.legacy()));
        } else {
          wanted.put(new Obj(o.md5(), o.legacy()), true);
        }
      }
      List<Obj> missingDirs = new ArrayList<>();
      for (Obj d : dirs) {
        if (!cache.contains(d.oid(), d.legacy())) {
          missingDirs.add(d);
        }
      }
      download(r, missingDirs, failed, progress, task);
      for (Obj d : dirs) {
        if (cache.contains(d.oid(), d.legacy())) {
          for (Manifest.Entry e : cache.manifest(d.oid(), d.legacy()).entries()) {
            wanted.put(new Obj(e.md5(), d.legacy()), true);
          }
        }
      }
      CacheIndex index = new CacheIndex();
      List<Obj> missing = new ArrayList<>();
      for (Obj o : wanted.keySet()) {
        if (!index.has(o.oid(), o.legacy())) {
          missing.add(o);
        }
      }
      download(r, missing, failed, progress, task);
      if (!failed.isEmpty()) {
        throw new NotFoundException(
            failed.size()
                + " objects are missing from remote "
                + r.uri()
                + ": "
                + failed.subList(0, Math.min(10, failed.size())));
      }
    }
  }

  private void download(
      DataRemote r, List<Obj> objs, List<String> failed, ProgressListener progress, String task) {
    Progress done = new Progress(progress, task, objs.size());
    ObjectStore.Pending pending = new ObjectStore.Pending();
    try {
      Parallel.forChunks(
          transferPool(r),
          objs,
          TRANSFER_BATCH,
          batch -> {
            for (Obj o : batch) {
              String key = remoteKey(o);
              // one read of the remote object, hashed while it is written to a temp object
              try (InputStream in = r.get(key)) {
                cache.insertVerifiedDeferred(o.oid(), o.legacy(), in, r.uri() + "/" + key, pending);
              } catch (NotFoundException e) {
                failed.add(o.oid());
              } catch (IOException e) {
                throw new StoreException(
                    "cannot fetch " + key + " from " + r.uri() + ": " + e.getMessage(), e);
              }
            }
            done.add(batch.size());
          });
      cache.commit(pending, cpu, List.of());
    } catch (IOException e) {
      throw new StoreException(
          "cannot write fetched objects to " + cache.root() + ": " + e.getMessage(), e);
    } finally {
      cache.abort(pending);
    }
  }

  @Override
  public void pull(String remote) {
    pull(remote, ProgressListener.NONE);
  }

  @Override
  public void pull(String remote, ProgressListener progress) {
    fetch(remote, progress);
    checkout();
  }

  // ---------------------------------------------------------------- plumbing

  @Override
  public void close() {
    cpu.shutdownNow();
    io.shutdownNow();
  }
}
