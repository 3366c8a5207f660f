package dev.mlops.registry.internal;

import dev.mlops.AlreadyExistsException;
import dev.mlops.ConflictException;
import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.registry.AuditEvent;
import dev.mlops.registry.Gate;
import dev.mlops.registry.GateContext;
import dev.mlops.registry.GateResult;
import dev.mlops.registry.GitSyncResult;
import dev.mlops.registry.Lineage;
import dev.mlops.registry.ModelFiles;
import dev.mlops.registry.ModelQuery;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.ModelSignature;
import dev.mlops.registry.ModelSource;
import dev.mlops.registry.ModelVersion;
import dev.mlops.registry.ModelVersionDetails;
import dev.mlops.registry.PromotionResult;
import dev.mlops.registry.RefListener;
import dev.mlops.registry.RegisterOptions;
import dev.mlops.registry.RegisteredModel;
import dev.mlops.spi.Database;
import dev.mlops.spi.ModuleContext;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.Tracking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry on the home's SQLite database and the content-addressed model store. Thread-safe;
 * every change is one {@link Database#write} transaction, so concurrent threads and processes see
 * stage and alias moves as atomic.
 */
public final class DefaultModelRegistry implements ModelRegistry, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DefaultModelRegistry.class);

  static final String VERSION_COLUMNS =
      "v.name, v.version, v.stage, v.run_id, v.source, v.digest, v.created_at,"
          + " (SELECT json_group_array(a.alias) FROM registry_aliases a"
          + " WHERE a.name = v.name AND a.version = v.version) AS aliases,"
          + " (SELECT json_group_object(t.tag_key, t.tag_value) FROM registry_version_tags t"
          + " WHERE t.name = v.name AND t.version = v.version) AS tags";
  private static final String LIVE = "v.status = 'READY'";

  private final ModuleContext context;
  private final Database db;
  private final ModelStore store;
  private final boolean exclusiveStages;
  private final String replacedStage;
  private final String actor;
  private final Watcher watcher;

  public DefaultModelRegistry(ModuleContext context) {
    this.context = context;
    this.db = context.database();
    db.migrate("registry", RegistrySchema.MIGRATIONS);
    this.store = new ModelStore(context.home().resolve("models"));
    String exclusive = context.config().get("registry.stage.exclusive", "true");
    if (!exclusive.equals("true") && !exclusive.equals("false")) {
      throw new InvalidInputException("registry.stage.exclusive", exclusive, "true or false");
    }
    this.exclusiveStages = exclusive.equals("true");
    String replaced = context.config().get("registry.stage.replaced", "archived");
    if (replaced.equalsIgnoreCase("archived")) {
      this.replacedStage = "Archived";
    } else if (replaced.equalsIgnoreCase("none")) {
      this.replacedStage = "None";
    } else {
      throw new InvalidInputException("registry.stage.replaced", replaced, "archived or none");
    }
    this.actor =
        context.config().get("user").orElseGet(() -> System.getProperty("user.name", "unknown"));
    long interval;
    String iv = context.config().get("registry.watch.interval.ms", "500");
    try {
      interval = Long.parseLong(iv);
    } catch (NumberFormatException e) {
      interval = -1;
    }
    if (interval < 1) {
      throw new InvalidInputException("registry.watch.interval.ms", iv, "a positive integer");
    }
    this.watcher = new Watcher(this, interval);
  }

  // ---------------------------------------------------------------- resolve

  @Override
  public ModelVersion resolve(String ref) {
    return resolve(ModelRef.parse(ref));
  }

  @Override
  public ModelVersion resolve(ModelRef ref) {
    requireRef(ref);
    return find(ref).orElseThrow(() -> notFound(ref));
  }

  @Override
  public Optional<ModelVersion> find(ModelRef ref) {
    requireRef(ref);
    return db.read(c -> findCached(c, ref));
  }

  private static void requireRef(ModelRef ref) {
    if (ref == null) {
      throw new InvalidInputException("ref", null, ModelRef.GRAMMAR);
    }
  }

  long generation() {
    return db.read(DefaultModelRegistry::generation);
  }

  private static long generation(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT generation FROM registry_state WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** The lookup of each reference kind, indexed by {@link ModelRef.Kind#ordinal()}. */
  private static final String[] FIND_SQL = new String[ModelRef.Kind.values().length];

  static {
    String base = "SELECT " + VERSION_COLUMNS + " FROM registry_versions v WHERE v.name = ? AND ";
    FIND_SQL[ModelRef.Kind.VERSION.ordinal()] = base + "v.version = ? AND " + LIVE;
    FIND_SQL[ModelRef.Kind.SEMVER.ordinal()] = base + "v.semver = ? AND " + LIVE;
    FIND_SQL[ModelRef.Kind.LATEST.ordinal()] = base + LIVE + " ORDER BY v.version DESC LIMIT 1";
    FIND_SQL[ModelRef.Kind.ALIAS.ordinal()] =
        base
            + LIVE
            + " AND v.version = (SELECT x.version FROM registry_aliases x"
            + " WHERE x.name = v.name AND x.alias = ?)";
    FIND_SQL[ModelRef.Kind.STAGE.ordinal()] =
        base + "v.stage_key = ? AND " + LIVE + " ORDER BY v.stage_seq DESC, v.version DESC LIMIT 1";
  }

  /**
   * Prepared lookups per pooled read connection: resolve() is the hot path of serving (hot swap
   * polls it), and compiling the statement costs more than running it. A connection is used by one
   * thread at a time, so its statements are too; entries vanish with their connection.
   */
  private final Map<Connection, PreparedStatement[]> statements =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Optional<ModelVersion> findCached(Connection c, ModelRef ref) throws SQLException {
    PreparedStatement[] cache =
        statements.computeIfAbsent(c, k -> new PreparedStatement[FIND_SQL.length]);
    int k = ref.kind().ordinal();
    PreparedStatement ps = cache[k];
    if (ps == null || ps.isClosed()) {
      ps = c.prepareStatement(FIND_SQL[k]);
      cache[k] = ps;
    }
    bindFind(ps, ref);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(version(rs)) : Optional.empty();
    }
  }

  private static Optional<ModelVersion> find(Connection c, ModelRef ref) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FIND_SQL[ref.kind().ordinal()])) {
      bindFind(ps, ref);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(version(rs)) : Optional.empty();
      }
    }
  }

  private static void bindFind(PreparedStatement ps, ModelRef ref) throws SQLException {
    ps.setString(1, ref.name());
    switch (ref.kind()) {
      case VERSION:
        ps.setInt(2, ref.versionNumber().getAsInt());
        break;
      case SEMVER:
      case ALIAS:
        ps.setString(2, ref.selector());
        break;
      case STAGE:
        ps.setString(2, ref.selector().toLowerCase(Locale.ROOT));
        break;
      case LATEST:
        break;
    }
  }

  static ModelVersion version(ResultSet rs) throws SQLException {
    return new ModelVersion(
        rs.getString(1),
        rs.getInt(2),
        rs.getString(3),
        Json.aliases(rs.getString(8)),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        Json.tags(rs.getString(9)),
        Instant.ofEpochMilli(rs.getLong(7)));
  }

  private static Optional<ModelVersion> load(Connection c, String name, int version)
      throws SQLException {
    return find(c, ModelRef.version(name, version));
  }

  private NotFoundException notFound(ModelRef ref) {
    return db.read(c -> notFound(c, ref));
  }

  private static NotFoundException notFound(Connection c, ModelRef ref) throws SQLException {
    String model = ref.name();
    Boolean deleted = null;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT deleted FROM registry_models WHERE name = ?")) {
      ps.setString(1, model);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          deleted = rs.getInt(1) != 0;
        }
      }
    }
    if (deleted == null) {
      return new NotFoundException("no registered model named '" + model + "'");
    }
    if (deleted) {
      return new NotFoundException("the model '" + model + "' was deleted");
    }
    switch (ref.kind()) {
      case VERSION:
        return new NotFoundException(
            "model '" + model + "' has no live version " + ref.selector() + " (" + ref + ")");
      case SEMVER:
        return new NotFoundException(
            "model '" + model + "' has no live version labelled " + ref.selector());
      case ALIAS:
        return new NotFoundException("model '" + model + "' has no alias '" + ref.selector() + "'");
      case STAGE:
        return new NotFoundException(
            "no version of model '" + model + "' is in stage " + ref.selector());
      default:
        return new NotFoundException("model '" + model + "' has no live versions");
    }
  }

  private static void requireLiveVersion(Connection c, String name, int version)
      throws SQLException {
    if (load(c, name, version).isEmpty()) {
      throw notFound(c, ModelRef.version(name, version));
    }
  }

  @Override
  public List<ModelVersion> versions(String name) {
    ModelRef.validateName(name);
    return db.read(
        c -> {
          List<ModelVersion> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM registry_versions v WHERE v.name = ? AND "
                      + LIVE
                      + " ORDER BY v.version")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(version(rs));
              }
            }
          }
          if (out.isEmpty() && !modelExists(c, name)) {
            throw new NotFoundException("no registered model named '" + name + "'");
          }
          return List.copyOf(out);
        });
  }

  private static boolean modelExists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM registry_models WHERE name = ? AND deleted = 0")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  // ---------------------------------------------------------------- files

  private record FileInfo(String digest, List<ModelStore.Entry> manifest) {}

  private FileInfo files(ModelVersion v) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT manifest FROM registry_versions WHERE name = ? AND version = ?")) {
            ps.setString(1, v.name());
            ps.setInt(2, v.version());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("version " + v.version() + " of " + v.name());
              }
              return new FileInfo(v.digest(), ModelStore.parseManifest(rs.getString(1)));
            }
          }
        });
  }

  @Override
  public Path download(String ref, Path targetDir) {
    return download(ModelRef.parse(ref), targetDir);
  }

  @Override
  public Path download(ModelRef ref, Path targetDir) {
    if (targetDir == null || (Files.exists(targetDir) && !Files.isDirectory(targetDir))) {
      throw new InvalidInputException("targetDir", targetDir, "a folder to copy the model into");
    }
    ModelVersion v = resolve(ref);
    FileInfo f = files(v);
    return store.copyTo(f.digest(), f.manifest(), targetDir);
  }

  @Override
  public ModelFiles open(String ref) {
    ModelVersion v = resolve(ModelRef.parse(ref));
    FileInfo f = files(v);
    store.verify(f.digest(), f.manifest());
    Optional<ModelSignature> sig = details(v).signature();
    return new StoredModelFiles(v, store.folder(f.digest()), f.manifest(), sig);
  }

  // ---------------------------------------------------------------- register

  @Override
  public ModelVersion register(String name, ModelSource source) {
    return register(name, source, RegisterOptions.none());
  }

  @Override
  public ModelVersion register(String name, ModelSource source, RegisterOptions options) {
    ModelRef.validateName(name);
    if (source == null) {
      throw new InvalidInputException(
          "source", null, "ModelSource.ofRun(runId, artifactPath) or ModelSource.ofPath(path)");
    }
    RegisterOptions opts = options == null ? RegisterOptions.none() : options;
    if (opts.semver().isPresent()) {
      // checked again in the transaction; here so that a rejected call copies no files
      db.read(
          c -> {
            requireFreeSemver(c, name, opts.semver().get());
            return null;
          });
    }
    ModelStore.Stored stored;
    Lineage lineage;
    String runId = null;
    if (source instanceof ModelSource.LocalPath) {
      stored = store.put(((ModelSource.LocalPath) source).path());
      lineage = new Lineage("", "", "", source.uri(), List.of(), Map.of(), Map.of());
    } else {
      ModelSource.RunArtifact ra = (ModelSource.RunArtifact) source;
      Tracking tracking =
          context
              .module(Tracking.class)
              .orElseThrow(
                  () ->
                      new MlopsException(
                          "ModelSource.ofRun needs mlops-tracking on the classpath: add dependency"
                              + " dev.mlops:mlops-tracking, or register with"
                              + " ModelSource.ofPath"));
      Run run = tracking.get(ra.runId());
      runId = run.id();
      Path tmp = null;
      try {
        Files.createDirectories(context.home().resolve("models").resolve("tmp"));
        tmp = Files.createTempDirectory(context.home().resolve("models").resolve("tmp"), "run-");
        Path got = tracking.downloadArtifacts(run.id(), ra.artifactPath(), tmp);
        stored = store.put(got);
      } catch (IOException e) {
        throw new StoreException("cannot stage the artifacts of run " + run.id() + ": " + e, e);
      } finally {
        try {
          ModelStore.deleteTree(tmp);
        } catch (IOException e) {
          log.debug("cannot delete {}", tmp, e);
        }
      }
      lineage =
          new Lineage(
              run.id(),
              run.experimentId(),
              run.tags().getOrDefault("mlflow.source.git.commit", ""),
              source.uri(),
              tracking.inputs(run.id()),
              run.params(),
              run.metrics());
    }
    String lineageJson = Json.lineage(lineage);
    String signatureJson = opts.signature().map(Json::signature).orElse(null);
    String manifestJson = stored.manifestJson();
    String srcUri = source.uri();
    String rid = runId;
    ModelVersion v =
        db.write(
            c -> {
              long now = System.currentTimeMillis();
              int last = -1;
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT last_version FROM registry_models WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    last = rs.getInt(1);
                  }
                }
              }
              if (last < 0) {
                update(
                    c,
                    "INSERT INTO registry_models (name, description, created_at, updated_at,"
                        + " last_version, deleted) VALUES (?, '', ?, ?, 0, 0)",
                    name,
                    now,
                    now);
                last = 0;
              }
              if (opts.semver().isPresent()) {
                requireFreeSemver(c, name, opts.semver().get());
              }
              int version = last + 1;
              update(
                  c,
                  "UPDATE registry_models SET last_version = ?, updated_at = ?, deleted = 0"
                      + " WHERE name = ?",
                  version,
                  now,
                  name);
              update(
                  c,
                  "INSERT INTO registry_versions (name, version, status, semver, stage, stage_key,"
                      + " stage_seq, run_id, source, digest, manifest, description, signature,"
                      + " lineage, size_bytes, file_count, created_at, updated_at)"
                      + " VALUES (?, ?, 'READY', ?, 'None', 'none', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                      + " ?)",
                  name,
                  version,
                  opts.semver().orElse(null),
                  rid,
                  srcUri,
                  stored.digest(),
                  manifestJson,
                  opts.description(),
                  signatureJson,
                  lineageJson,
                  stored.size(),
                  stored.manifest().size(),
                  now,
                  now);
              for (Map.Entry<String, String> t : new TreeMap<>(opts.tags()).entrySet()) {
                update(
                    c,
                    "INSERT INTO registry_version_tags (name, version, tag_key, tag_value)"
                        + " VALUES (?, ?, ?, ?)",
                    name,
                    version,
                    t.getKey(),
                    t.getValue());
              }
              event(
                  c,
                  name,
                  version,
                  AuditEvent.Action.REGISTERED,
                  "",
                  stored.digest(),
                  opts.reason(),
                  now);
              return load(c, name, version).orElseThrow();
            });
    log.info("registered {} version {} ({})", name, v.version(), v.digest());
    watcher.nudge();
    return v;
  }

  private static void requireFreeSemver(Connection c, String name, String semver)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM registry_versions WHERE name = ? AND semver = ?")) {
      ps.setString(1, name);
      ps.setString(2, semver);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw new AlreadyExistsException(
              "model '"
                  + name
                  + "' already has a version labelled "
                  + semver
                  + " (version "
                  + rs.getInt(1)
                  + "); choose another SemVer label");
        }
      }
    }
  }

  // ---------------------------------------------------------------- stages and aliases

  @Override
  public ModelVersion assignStage(String name, int version, String stage) {
    return assignStage(name, version, stage, "");
  }

  @Override
  public ModelVersion assignStage(String name, int version, String stage, String reason) {
    ModelRef.validateName(name);
    String canonical = ModelRef.validateStage(stage);
    checkVersion(version);
    String why = checkReason(reason);
    ModelVersion v =
        db.write(
            c -> {
              ModelVersion cur =
                  load(c, name, version)
                      .orElseThrow(() -> notFoundIn(c, ModelRef.version(name, version)));
              if (!cur.stage().equalsIgnoreCase(canonical)) {
                moveStage(c, name, version, cur.stage(), canonical, why);
              }
              return load(c, name, version).orElseThrow();
            });
    watcher.nudge();
    return v;
  }

  private static NotFoundException notFoundIn(Connection c, ModelRef ref) {
    try {
      return notFound(c, ref);
    } catch (SQLException e) {
      return new NotFoundException(ref + " not found");
    }
  }

  private static void checkVersion(int version) {
    if (version < 1) {
      throw new InvalidInputException("version", version, "a version number from 1");
    }
  }

  private static String checkReason(String reason) {
    if (reason == null || reason.length() > 1000) {
      throw new InvalidInputException("reason", reason, "a text of at most 1000 characters");
    }
    return reason;
  }

  private static boolean isShared(String stageKey) {
    return stageKey.equals("none") || stageKey.equals("archived");
  }

  private void moveStage(
      Connection c, String name, int version, String from, String to, String reason)
      throws SQLException {
    long now = System.currentTimeMillis();
    String key = to.toLowerCase(Locale.ROOT);
    if (exclusiveStages && !isShared(key)) {
      List<Integer> holders = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT version FROM registry_versions v WHERE v.name = ? AND v.stage_key = ? AND "
                  + LIVE
                  + " AND v.version <> ? ORDER BY v.version")) {
        ps.setString(1, name);
        ps.setString(2, key);
        ps.setInt(3, version);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            holders.add(rs.getInt(1));
          }
        }
      }
      for (int h : holders) {
        long seq =
            event(
                c,
                name,
                h,
                AuditEvent.Action.STAGE_CHANGED,
                to,
                replacedStage,
                "replaced in " + to + " by version " + version,
                now);
        setStage(c, name, h, replacedStage, seq, now);
      }
    }
    long seq = event(c, name, version, AuditEvent.Action.STAGE_CHANGED, from, to, reason, now);
    setStage(c, name, version, to, seq, now);
  }

  private static void setStage(
      Connection c, String name, int version, String stage, long seq, long now)
      throws SQLException {
    update(
        c,
        "UPDATE registry_versions SET stage = ?, stage_key = ?, stage_seq = ?, updated_at = ?"
            + " WHERE name = ? AND version = ?",
        stage,
        stage.toLowerCase(Locale.ROOT),
        seq,
        now,
        name,
        version);
    update(c, "UPDATE registry_models SET updated_at = ? WHERE name = ?", now, name);
  }

  @Override
  public ModelVersion setAlias(String name, String alias, int version) {
    ModelRef.validateName(name);
    ModelRef.validateAlias(alias);
    checkVersion(version);
    ModelVersion v =
        db.write(
            c -> {
              requireLiveVersion(c, name, version);
              Integer prev = aliasTarget(c, name, alias);
              if (prev == null || prev != version) {
                long now = System.currentTimeMillis();
                if (prev == null) {
                  update(
                      c,
                      "INSERT INTO registry_aliases (name, alias, version) VALUES (?, ?, ?)",
                      name,
                      alias,
                      version);
                } else {
                  update(
                      c,
                      "UPDATE registry_aliases SET version = ? WHERE name = ? AND alias = ?",
                      version,
                      name,
                      alias);
                }
                event(
                    c,
                    name,
                    version,
                    AuditEvent.Action.ALIAS_SET,
                    prev == null ? "" : alias + "=" + prev,
                    alias + "=" + version,
                    "",
                    now);
                update(c, "UPDATE registry_models SET updated_at = ? WHERE name = ?", now, name);
              }
              return load(c, name, version).orElseThrow();
            });
    watcher.nudge();
    return v;
  }

  private static Integer aliasTarget(Connection c, String name, String alias) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT version FROM registry_aliases WHERE name = ? AND alias = ?")) {
      ps.setString(1, name);
      ps.setString(2, alias);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  @Override
  public void deleteAlias(String name, String alias) {
    ModelRef.validateName(name);
    ModelRef.validateAlias(alias);
    db.useWrite(
        c -> {
          Integer prev = aliasTarget(c, name, alias);
          if (prev == null) {
            throw notFound(c, ModelRef.alias(name, alias));
          }
          long now = System.currentTimeMillis();
          update(c, "DELETE FROM registry_aliases WHERE name = ? AND alias = ?", name, alias);
          event(c, name, prev, AuditEvent.Action.ALIAS_DELETED, alias + "=" + prev, "", "", now);
        });
    watcher.nudge();
  }

  // ---------------------------------------------------------------- promotion

  private record Promotion(
      boolean promoted, List<String> failedGates, ModelVersion version, List<GateResult> gates)
      implements PromotionResult {
    Promotion {
      failedGates = List.copyOf(failedGates);
      gates = List.copyOf(gates);
    }
  }

  @Override
  public PromotionResult promote(String ref, String stage, Gate... gates) {
    ModelRef parsed = ModelRef.parse(ref);
    String canonical = ModelRef.validateStage(stage);
    List<Gate> list = new ArrayList<>();
    if (gates != null) {
      for (Gate g : gates) {
        if (g == null) {
          throw new InvalidInputException("gates", null, "non-null gates");
        }
        list.add(g);
      }
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      ModelVersion cand = resolve(parsed);
      Lineage candLineage = lineage(cand);
      Optional<ModelVersion> current = currentHolder(cand.name(), canonical, cand.version());
      Optional<Lineage> currentLineage = current.map(this::lineage);
      GateContext gc =
          new GateContext(
              cand,
              candLineage,
              canonical,
              current,
              currentLineage,
              context::module,
              context.workspace());
      List<GateResult> results = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        GateResult r;
        try {
          r = list.get(i).evaluate(gc);
          if (r == null) {
            r = GateResult.fail("gate #" + (i + 1), "no result", "a GateResult");
          }
        } catch (Exception | LinkageError | AssertionError e) {
          r = GateResult.fail("gate #" + (i + 1), "threw " + e, "no exception");
        }
        results.add(r);
        if (!r.passed()) {
          failed.add(r.toString());
        }
      }
      if (!failed.isEmpty()) {
        log.info("promotion of {} to {} refused: {}", cand, canonical, failed);
        return new Promotion(false, failed, cand, results);
      }
      Optional<ModelVersion> done =
          db.write(
              c -> {
                Optional<ModelVersion> now = load(c, cand.name(), cand.version());
                Optional<ModelVersion> holder =
                    currentHolder(c, cand.name(), canonical, cand.version());
                if (now.isEmpty()
                    || !sameVersion(holder, current)
                    || !now.get().stage().equals(cand.stage())) {
                  return Optional.<ModelVersion>empty(); // changed while gates ran: evaluate again
                }
                if (!now.get().stage().equalsIgnoreCase(canonical)) {
                  moveStage(
                      c,
                      cand.name(),
                      cand.version(),
                      now.get().stage(),
                      canonical,
                      "promoted; gates passed: " + results.size());
                }
                return load(c, cand.name(), cand.version());
              });
      if (done.isPresent()) {
        watcher.nudge();
        return new Promotion(true, List.of(), done.get(), results);
      }
    }
    throw new ConflictException(
        "stage " + canonical + " of " + parsed.name() + " kept changing during promotion; retry");
  }

  private static boolean sameVersion(Optional<ModelVersion> a, Optional<ModelVersion> b) {
    return a.map(ModelVersion::version).equals(b.map(ModelVersion::version));
  }

  private Optional<ModelVersion> currentHolder(String name, String stage, int excluding) {
    return db.read(c -> currentHolder(c, name, stage, excluding));
  }

  private static Optional<ModelVersion> currentHolder(
      Connection c, String name, String stage, int excluding) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM registry_versions v WHERE v.name = ? AND v.stage_key = ? AND "
                + LIVE
                + " AND v.version <> ? ORDER BY v.stage_seq DESC LIMIT 1")) {
      ps.setString(1, name);
      ps.setString(2, stage.toLowerCase(Locale.ROOT));
      ps.setInt(3, excluding);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(version(rs)) : Optional.empty();
      }
    }
  }

  // ---------------------------------------------------------------- lineage, details, tags

  @Override
  public Lineage lineage(String ref) {
    return lineage(resolve(ModelRef.parse(ref)));
  }

  private Lineage lineage(ModelVersion v) {
    return Json.lineage(column(v, "lineage"));
  }

  private String column(ModelVersion v, String column) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + column + " FROM registry_versions WHERE name = ? AND version = ?")) {
            ps.setString(1, v.name());
            ps.setInt(2, v.version());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  @Override
  public ModelVersionDetails details(String ref) {
    return details(resolve(ModelRef.parse(ref)));
  }

  private ModelVersionDetails details(ModelVersion v) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT semver, description, signature, size_bytes, file_count"
                      + " FROM registry_versions WHERE name = ? AND version = ?")) {
            ps.setString(1, v.name());
            ps.setInt(2, v.version());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw notFound(c, ModelRef.version(v.name(), v.version()));
              }
              String sig = rs.getString(3);
              return new ModelVersionDetails(
                  v,
                  Optional.ofNullable(rs.getString(1)),
                  rs.getString(2),
                  sig == null ? Optional.empty() : Optional.of(Json.signature(sig)),
                  rs.getLong(4),
                  rs.getInt(5));
            }
          }
        });
  }

  @Override
  public ModelVersion setTag(String ref, String key, String value) {
    RegisterOptions.builder().tag(key, value); // validates
    ModelVersion target = resolve(ModelRef.parse(ref));
    return db.write(
        c -> {
          requireLiveVersion(c, target.name(), target.version());
          long now = System.currentTimeMillis();
          String prev = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT tag_value FROM registry_version_tags WHERE name = ? AND version = ?"
                      + " AND tag_key = ?")) {
            ps.setString(1, target.name());
            ps.setInt(2, target.version());
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                prev = rs.getString(1);
              }
            }
          }
          if (prev == null) {
            update(
                c,
                "INSERT INTO registry_version_tags (name, version, tag_key, tag_value)"
                    + " VALUES (?, ?, ?, ?)",
                target.name(),
                target.version(),
                key,
                value);
          } else {
            update(
                c,
                "UPDATE registry_version_tags SET tag_value = ? WHERE name = ? AND version = ?"
                    + " AND tag_key = ?",
                value,
                target.name(),
                target.version(),
                key);
          }
          event(
              c,
              target.name(),
              target.version(),
              AuditEvent.Action.TAG_SET,
              prev == null ? "" : key + "=" + prev,
              key + "=" + value,
              "",
              now);
          return load(c, target.name(), target.version()).orElseThrow();
        });
  }

  // ---------------------------------------------------------------- history, models, search

  @Override
  public List<AuditEvent> history(String name) {
    ModelRef.validateName(name);
    return db.read(
        c -> {
          List<AuditEvent> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(EVENT_SELECT + " WHERE name = ? ORDER BY seq")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(event(rs));
              }
            }
          }
          if (out.isEmpty()) {
            throw new NotFoundException("no registered model named '" + name + "'");
          }
          return List.copyOf(out);
        });
  }

  @Override
  public List<RegisteredModel> models() {
    return db.read(c -> models(c, null));
  }

  @Override
  public Optional<RegisteredModel> model(String name) {
    ModelRef.validateName(name);
    return db.read(c -> models(c, name)).stream().findFirst();
  }

  private static List<RegisteredModel> models(Connection c, String only) throws SQLException {
    String where = only == null ? "" : " AND m.name = ?";
    Map<String, Map<String, Integer>> aliases = new TreeMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.name, a.alias, a.version FROM registry_aliases a JOIN registry_models m"
                + " ON m.name = a.name WHERE m.deleted = 0"
                + where)) {
      if (only != null) {
        ps.setString(1, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          aliases
              .computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
              .put(rs.getString(2), rs.getInt(3));
        }
      }
    }
    Map<String, Map<String, Integer>> stages = new TreeMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.name, v.stage, v.version FROM registry_versions v JOIN registry_models m"
                + " ON m.name = v.name WHERE m.deleted = 0 AND "
                + LIVE
                + " AND v.stage_key NOT IN ('none', 'archived')"
                + where
                + " ORDER BY v.stage_seq")) {
      if (only != null) {
        ps.setString(1, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stages
              .computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
              .put(rs.getString(2), rs.getInt(3));
        }
      }
    }
    List<RegisteredModel> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.name, m.description, m.created_at, m.updated_at, MAX(v.version),"
                + " COUNT(v.version) FROM registry_models m JOIN registry_versions v"
                + " ON v.name = m.name AND v.status = 'READY' WHERE m.deleted = 0"
                + where
                + " GROUP BY m.name, m.description, m.created_at, m.updated_at ORDER BY m.name")) {
      if (only != null) {
        ps.setString(1, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String n = rs.getString(1);
          out.add(
              new RegisteredModel(
                  n,
                  rs.getString(2),
                  rs.getInt(5),
                  rs.getInt(6),
                  aliases.getOrDefault(n, Map.of()),
                  stages.getOrDefault(n, Map.of()),
                  Instant.ofEpochMilli(rs.getLong(3)),
                  Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    return List.copyOf(out);
  }

  @Override
  public List<ModelVersion> search(ModelQuery query) {
    if (query == null) {
      throw new InvalidInputException("query", null, "a ModelQuery, e.g. ModelQuery.all()");
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM registry_versions v WHERE "
                + LIVE
                + " AND v.name GLOB ?");
    List<Object> args = new ArrayList<>();
    args.add(query.nameGlob());
    for (Map.Entry<String, String> t : new TreeMap<>(query.tags()).entrySet()) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM registry_version_tags t WHERE t.name = v.name"
              + " AND t.version = v.version AND t.tag_key = ? AND t.tag_value = ?)");
      args.add(t.getKey());
      args.add(t.getValue());
    }
    if (query.stage().isPresent()) {
      sql.append(" AND v.stage_key = ?");
      args.add(query.stage().get().toLowerCase(Locale.ROOT));
    }
    sql.append(" ORDER BY v.name, v.version");
    return db.read(
        c -> {
          List<ModelVersion> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(version(rs));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  // ---------------------------------------------------------------- deletion

  @Override
  public void deleteVersion(String name, int version) {
    ModelRef.validateName(name);
    checkVersion(version);
    db.useWrite(
        c -> {
          ModelVersion v =
              load(c, name, version)
                  .orElseThrow(() -> notFoundIn(c, ModelRef.version(name, version)));
          tombstone(c, v, System.currentTimeMillis(), "");
        });
    watcher.nudge();
  }

  private void tombstone(Connection c, ModelVersion v, long now, String reason)
      throws SQLException {
    update(c, "DELETE FROM registry_aliases WHERE name = ? AND version = ?", v.name(), v.version());
    update(
        c,
        "UPDATE registry_versions SET status = 'DELETED', deleted_semver = semver, semver = NULL,"
            + " stage = 'None',"
            + " stage_key = 'none', updated_at = ? WHERE name = ? AND version = ?",
        now,
        v.name(),
        v.version());
    String was =
        "stage="
            + v.stage()
            + (v.aliases().isEmpty()
                ? ""
                : ",aliases=" + String.join("+", new TreeSet<>(v.aliases())));
    event(c, v.name(), v.version(), AuditEvent.Action.VERSION_DELETED, was, "", reason, now);
    update(c, "UPDATE registry_models SET updated_at = ? WHERE name = ?", now, v.name());
  }

  @Override
  public void deleteModel(String name) {
    ModelRef.validateName(name);
    db.useWrite(
        c -> {
          if (!modelExists(c, name)) {
            throw notFound(c, ModelRef.latest(name));
          }
          long now = System.currentTimeMillis();
          List<ModelVersion> live = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM registry_versions v WHERE v.name = ? AND "
                      + LIVE
                      + " ORDER BY v.version")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                live.add(version(rs));
              }
            }
          }
          for (ModelVersion v : live) {
            tombstone(c, v, now, "model deleted");
          }
          update(c, "DELETE FROM registry_aliases WHERE name = ?", name);
          update(
              c,
              "UPDATE registry_models SET deleted = 1, updated_at = ? WHERE name = ?",
              now,
              name);
          event(c, name, 0, AuditEvent.Action.MODEL_DELETED, "", "", "", now);
        });
    watcher.nudge();
  }

  // ---------------------------------------------------------------- watch

  @Override
  public Watch watch(ModelRef ref, RefListener listener) {
    requireRef(ref);
    if (listener == null) {
      throw new InvalidInputException("listener", null, "a RefListener");
    }
    return watcher.add(ref, listener);
  }

  // ---------------------------------------------------------------- GTO

  @Override
  public GitSyncResult exportGitTags(Path repoDir) {
    return new GtoTags(this, repoDir, actor).export();
  }

  @Override
  public GitSyncResult importGitTags(Path repoDir) {
    return new GtoTags(this, repoDir, actor).importTags();
  }

  /** Every version, deleted ones included, of every model (for the GTO export). */
  List<VersionRecord> allVersions() {
    return db.read(
        c -> {
          List<VersionRecord> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v.name, v.version, v.status, COALESCE(v.semver, v.deleted_semver), v.stage,"
                      + " v.created_at, v.lineage"
                      + " FROM registry_versions v ORDER BY v.name, v.version")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new VersionRecord(
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getString(3).equals("READY"),
                        rs.getString(4),
                        rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)),
                        Json.lineage(rs.getString(7)).gitCommit()));
              }
            }
          }
          return out;
        });
  }

  /** What the GTO export needs of a version. */
  record VersionRecord(
      String name,
      int version,
      boolean live,
      String semver,
      String stage,
      Instant createdAt,
      String gitCommit) {}

  /** Events of every model (for the GTO export), oldest first. */
  private static final String EVENT_SELECT =
      "SELECT seq, name, version, action, actor, at, from_value, to_value, reason"
          + " FROM registry_events";

  private static AuditEvent event(ResultSet rs) throws SQLException {
    return new AuditEvent(
        rs.getLong(1),
        rs.getString(2),
        rs.getInt(3),
        AuditEvent.Action.valueOf(rs.getString(4)),
        rs.getString(5),
        Instant.ofEpochMilli(rs.getLong(6)),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9));
  }

  List<AuditEvent> allEvents() {
    return db.read(
        c -> {
          List<AuditEvent> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(EVENT_SELECT + " ORDER BY seq")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(event(rs));
              }
            }
          }
          return out;
        });
  }

  // ---------------------------------------------------------------- SQL helpers

  private long event(
      Connection c,
      String name,
      int version,
      AuditEvent.Action action,
      String from,
      String to,
      String reason,
      long now)
      throws SQLException {
    update(c, "UPDATE registry_state SET generation = generation + 1 WHERE id = 1");
    long seq = generation(c);
    update(
        c,
        "INSERT INTO registry_events (seq, name, version, action, actor, at, from_value,"
            + " to_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        seq,
        name,
        version,
        action.name(),
        actor,
        now,
        from,
        to,
        reason);
    return seq;
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Integer) {
        ps.setInt(i + 1, (Integer) a);
      } else if (a instanceof Long) {
        ps.setLong(i + 1, (Long) a);
      } else if (a == null) {
        ps.setNull(i + 1, java.sql.Types.VARCHAR);
      } else {
        ps.setString(i + 1, a.toString());
      }
    }
  }

  @Override
  public void close() {
    watcher.close();
  }

  @Override
  public String toString() {
    return "ModelRegistry{" + db.url() + "}";
  }
}
