package dev.mlops.registry.internal;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsException;
import dev.mlops.NotFoundException;
import dev.mlops.StoreException;
import dev.mlops.registry.GitSyncResult;
import dev.mlops.registry.ModelRef;
import dev.mlops.registry.ModelVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Export and import of GTO (Git Tag Ops) annotated tags through the {@code git} command. Not
 * thread-safe; one instance per call.
 *
 * <p>Tag grammar (gto/constants.py): registration {@code name@vX.Y.Z[#N]}, deregistration {@code
 * name@vX.Y.Z!#N}, assignment {@code name#stage[#N]}, unassignment {@code name#stage!#N},
 * deprecation {@code name@deprecated[#N]}. Only annotated tags count; events are ordered by tagger
 * date, then counter.
 */
final class GtoTags {
  private static final String NAME = "[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?";
  private static final String DIRNAME = "(?:[a-zA-Z0-9\\-_./]+=)?";
  private static final Pattern TAG =
      Pattern.compile(
          "(?<name>"
              + DIRNAME
              + NAME
              + ")(?:@(?<version>v[0-9A-Za-z.+\\-]+)(?<dereg>!)?|@(?<special>deprecated|created)"
              + "|#(?<stage>"
              + NAME
              + ")(?<unassign>!)?)(?:#(?<n>[0-9]+))?");

  /** GTO's artifact name rule (gto/constants.py); our names may also hold '.', GTO's may not. */
  static final Pattern GTO_NAME = Pattern.compile(NAME);

  private final DefaultModelRegistry registry;
  private final Path repo;
  private final String actor;

  GtoTags(DefaultModelRegistry registry, Path repoDir, String actor) {
    if (repoDir == null) {
      throw new InvalidInputException("repoDir", null, "the folder of a Git repository");
    }
    this.registry = registry;
    this.repo = repoDir.toAbsolutePath().normalize();
    this.actor = actor.isBlank() ? "mlops" : actor;
    if (!Files.isDirectory(repo)) {
      throw new InvalidInputException("repoDir", repoDir, "an existing Git repository folder");
    }
    try {
      git(Map.of(), "rev-parse", "--git-dir");
    } catch (StoreException e) {
      throw new InvalidInputException(
          "repoDir", repoDir, "a Git repository (run git init there first): " + e.getMessage());
    }
  }

  /** One parsed GTO event. */
  enum Kind {
    REGISTER,
    DEREGISTER,
    ASSIGN,
    UNASSIGN,
    DEPRECATE
  }

  record Event(
      String tag,
      String artifact,
      Kind kind,
      String version,
      String stage,
      int counter,
      String commit,
      long time) {}

  // ------------------------------------------------------------------ export

  GitSyncResult export() {
    String head;
    try {
      head = git(Map.of(), "rev-parse", "--verify", "HEAD^{commit}").trim();
    } catch (StoreException e) {
      throw new InvalidInputException("repoDir", repo, "a Git repository with at least one commit");
    }
    List<Event> existing = readEvents();
    Set<String> tagNames = new HashSet<>();
    existing.forEach(e -> tagNames.add(e.tag()));
    Map<String, List<Event>> byArtifact = group(existing);
    List<String> written = new ArrayList<>();
    List<String> changes = new ArrayList<>();

    Map<String, List<DefaultModelRegistry.VersionRecord>> models = new TreeMap<>();
    for (DefaultModelRegistry.VersionRecord v : registry.allVersions()) {
      models.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(v);
    }
    for (Map.Entry<String, List<DefaultModelRegistry.VersionRecord>> m : models.entrySet()) {
      String name = m.getKey();
      if (!GTO_NAME.matcher(name).matches()) {
        changes.add(
            "skipped model '"
                + name
                + "': GTO artifact names are "
                + GTO_NAME.pattern()
                + " (no '.')");
        continue;
      }
      List<Event> events = new ArrayList<>(byArtifact.getOrDefault(name, List.of()));
      State state = State.of(events);
      int counter = events.stream().mapToInt(Event::counter).max().orElse(0);
      Map<String, String> commitOf = new HashMap<>(state.commits);
      Set<String> usedCommits = new HashSet<>(commitOf.values());
      Map<Integer, String> labelOf = labels(m.getValue());
      Set<String> liveLabels = new HashSet<>();
      for (DefaultModelRegistry.VersionRecord v : m.getValue()) {
        if (v.live()) {
          liveLabels.add(labelOf.get(v.version()));
        }
      }
      // deleted versions first: deregister those GTO still has active (unless a live version
      // reuses the label, which then owns it)
      for (DefaultModelRegistry.VersionRecord v : m.getValue()) {
        String label = labelOf.get(v.version());
        if (v.live() || !state.active.contains(label) || liveLabels.contains(label)) {
          continue;
        }
        String tag = name + "@" + label + "!#" + (++counter);
        tag(
            tag,
            commitOf.get(label),
            "Deregistering artifact " + name + " version " + label,
            Instant.now());
        written.add(tag);
        state.active.remove(label);
        changes.add(
            "deregistered " + name + " " + label + " (deleted version " + v.version() + ")");
      }
      // live versions GTO does not have active: register (again, with a counter, if the tag
      // name is taken by an earlier registration that was deregistered)
      for (DefaultModelRegistry.VersionRecord v : m.getValue()) {
        String label = labelOf.get(v.version());
        if (!v.live() || state.active.contains(label)) {
          continue;
        }
        String commit = commitFor(v, head, usedCommits, label);
        String tag = name + "@" + label;
        // the counter form also when reviving a deprecated artifact: it orders the registration
        // after the deprecation even when both tags carry the same second
        if (tagNames.contains(tag) || state.deprecated) {
          tag = name + "@" + label + "#" + (++counter);
        }
        tag(tag, commit, "Registering artifact " + name + " version " + label, v.createdAt());
        tagNames.add(tag);
        written.add(tag);
        commitOf.put(label, commit);
        usedCommits.add(commit);
        state.active.add(label);
        changes.add("registered " + name + " version " + v.version() + " as " + label);
      }
      // stages: ours (live versions, excluding None and Archived) against GTO's active pairs
      Map<String, String> ours = new TreeMap<>();
      for (DefaultModelRegistry.VersionRecord v : m.getValue()) {
        String key = v.stage().toLowerCase(Locale.ROOT);
        if (v.live() && !key.equals("none") && !key.equals("archived")) {
          ours.put(key + "\u0000" + labelOf.get(v.version()), v.stage());
        }
      }
      for (String pair : new ArrayList<>(state.activePairs.keySet())) {
        if (!ours.containsKey(pair)) {
          String[] sv = pair.split("\u0000", 2);
          if (!commitOf.containsKey(sv[1])) {
            continue;
          }
          String tag = name + "#" + sv[0] + "!#" + (++counter);
          tag(
              tag,
              commitOf.get(sv[1]),
              "Unassigning stage " + sv[0] + " from artifact " + name + " version " + sv[1],
              Instant.now());
          written.add(tag);
          changes.add("unassigned " + sv[0] + " from " + name + " " + sv[1]);
        }
      }
      for (String pair : ours.keySet()) {
        if (!state.activePairs.containsKey(pair)) {
          String[] sv = pair.split("\u0000", 2);
          String tag = name + "#" + sv[0] + "#" + (++counter);
          tag(
              tag,
              commitOf.get(sv[1]),
              "Assigning stage " + sv[0] + " to artifact " + name + " version " + sv[1],
              Instant.now());
          written.add(tag);
          changes.add("assigned " + sv[0] + " to " + name + " " + sv[1]);
        }
      }
      // a model deleted here (every version a tombstone) that GTO knows is deprecated there; the
      // counter form keeps the deprecation after the deregistrations written in the same second
      boolean anyLive = m.getValue().stream().anyMatch(DefaultModelRegistry.VersionRecord::live);
      if (!anyLive && !events.isEmpty() && !state.deprecated) {
        String tag = name + "@deprecated#" + (++counter);
        String newest = labelOf.get(m.getValue().get(m.getValue().size() - 1).version());
        tag(
            tag,
            commitOf.getOrDefault(newest, head),
            "Deprecating artifact " + name,
            Instant.now());
        written.add(tag);
        changes.add("deprecated " + name + " (deleted model)");
      }
    }
    return new GitSyncResult(written, changes);
  }

  /**
   * The GTO version name of each version of one model: its SemVer label (a deleted version keeps
   * the label it had), else {@code v0.0.<number>}, or {@code v0.0.<number>-mlops[.k]} when another
   * version of the model carries that label. Export and import use the same names.
   */
  static Map<Integer, String> labels(List<DefaultModelRegistry.VersionRecord> versions) {
    Set<String> semvers = new HashSet<>();
    for (DefaultModelRegistry.VersionRecord v : versions) {
      if (v.semver() != null) {
        semvers.add(v.semver());
      }
    }
    Map<Integer, String> out = new HashMap<>();
    for (DefaultModelRegistry.VersionRecord v : versions) {
      String label = v.semver();
      if (label == null) {
        String base = "v0.0." + v.version();
        label = base;
        for (int k = 0; semvers.contains(label); k++) {
          label = base + "-mlops" + (k == 0 ? "" : "." + k);
        }
      }
      out.put(v.version(), label);
    }
    return out;
  }

  private String commitFor(
      DefaultModelRegistry.VersionRecord v, String head, Set<String> used, String label) {
    String c = v.gitCommit();
    if (c != null && c.matches("[0-9a-f]{40}") && !used.contains(c) && commitExists(c)) {
      return c;
    }
    // a commit object of its own (HEAD's tree, parent HEAD), reachable only through the tag:
    // GTO allows one registered version per commit, and no branch or file is touched
    Map<String, String> env = identity(v.createdAt());
    return git(
            env,
            "commit-tree",
            head + "^{tree}",
            "-p",
            head,
            "-m",
            "mlops-java registry: " + v.name() + " " + label + " (version " + v.version() + ")")
        .trim();
  }

  private boolean commitExists(String c) {
    try {
      git(Map.of(), "cat-file", "-e", c + "^{commit}");
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  private void tag(String name, String commit, String message, Instant at) {
    git(identity(at), "tag", "-a", name, "-m", message, commit);
  }

  private Map<String, String> identity(Instant at) {
    Map<String, String> env = new HashMap<>();
    String email = actor.replaceAll("[^A-Za-z0-9._-]", "_") + "@mlops.local";
    String date = "@" + at.getEpochSecond() + " +0000";
    env.put("GIT_COMMITTER_NAME", actor);
    env.put("GIT_COMMITTER_EMAIL", email);
    env.put("GIT_COMMITTER_DATE", date);
    env.put("GIT_AUTHOR_NAME", actor);
    env.put("GIT_AUTHOR_EMAIL", email);
    env.put("GIT_AUTHOR_DATE", date);
    return env;
  }

  // ------------------------------------------------------------------ import

  GitSyncResult importTags() {
    List<Event> events = readEvents();
    List<String> read = new ArrayList<>();
    events.forEach(e -> read.add(e.tag()));
    List<String> changes = new ArrayList<>();
    Map<String, List<DefaultModelRegistry.VersionRecord>> records = new HashMap<>();
    for (DefaultModelRegistry.VersionRecord v : registry.allVersions()) {
      records.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(v);
    }
    for (Map.Entry<String, List<Event>> a : group(events).entrySet()) {
      String name = a.getKey();
      try {
        ModelRef.validateName(name);
      } catch (InvalidInputException e) {
        changes.add("skipped GTO artifact '" + name + "': not a valid model name here");
        continue;
      }
      List<ModelVersion> ours;
      try {
        ours = registry.versions(name);
      } catch (NotFoundException e) {
        changes.add("skipped GTO artifact '" + name + "': no such model is registered here");
        continue;
      }
      State state = State.of(a.getValue());
      if (state.deprecated) {
        changes.add(
            "GTO marks '" + name + "' deprecated; the registry keeps it (delete it to match)");
      }
      Map<Integer, String> labelOf = labels(records.getOrDefault(name, List.of()));
      Map<String, ModelVersion> byLabel = new HashMap<>();
      for (ModelVersion v : ours) {
        byLabel.put(labelOf.get(v.version()), v);
      }
      for (String label : state.commits.keySet()) {
        ModelVersion v = byLabel.get(label);
        if (v == null) {
          if (state.active.contains(label)) {
            changes.add(
                "GTO has "
                    + name
                    + "@"
                    + label
                    + " (commit "
                    + state.commits.get(label)
                    + ") that is not registered here; register it to manage it");
          }
          continue;
        }
        if (!state.active.contains(label)) {
          registry.deleteVersion(name, v.version());
          changes.add("deleted " + name + " version " + v.version() + " (deregistered in GTO)");
        }
      }
      // per stage with any GTO event: the most recent active assignment holds it; assignments
      // first, then stages GTO left empty are cleared
      List<String> empty = new ArrayList<>();
      for (String stage : state.stagesSeen) {
        String canonical;
        try {
          canonical = ModelRef.validateStage(stage);
        } catch (InvalidInputException e) {
          // GTO stage names may hold '/' and be longer than ours: such a stage stays in Git only
          changes.add("skipped GTO stage '" + stage + "' of " + name + ": not a valid stage here");
          continue;
        }
        Optional<String> gitHolder = state.holder(stage);
        if (gitHolder.isEmpty()) {
          empty.add(canonical);
          continue;
        }
        ModelVersion w = byLabel.get(gitHolder.get());
        if (w == null) {
          changes.add("GTO puts unknown " + name + "@" + gitHolder.get() + " in " + stage);
          continue;
        }
        ModelVersion now = registry.resolve(ModelRef.version(name, w.version()));
        Optional<ModelVersion> have = registry.find(ModelRef.stage(name, canonical));
        if (!now.stage().equalsIgnoreCase(canonical)
            || have.isEmpty()
            || have.get().version() != w.version()) {
          registry.assignStage(name, w.version(), canonical, "imported from GTO tags");
          changes.add("assigned " + canonical + " to " + name + " version " + w.version());
        }
      }
      for (String canonical : empty) {
        for (ModelVersion v : registry.versions(name)) {
          if (v.stage().equalsIgnoreCase(canonical)) {
            registry.assignStage(name, v.version(), "None", "unassigned in GTO tags");
            changes.add("cleared " + canonical + " from " + name + " version " + v.version());
          }
        }
      }
    }
    return new GitSyncResult(read, changes);
  }

  /** GTO's state of one artifact, computed from its events in order. */
  static final class State {
    final Map<String, String> commits = new LinkedHashMap<>();
    final Set<String> active = new HashSet<>();

    /** "stage\0label" to the time of its latest assignment, for active pairs. */
    final Map<String, Long> activePairs = new LinkedHashMap<>();

    final Set<String> stagesSeen = new java.util.TreeSet<>();
    boolean deprecated;

    static State of(List<Event> events) {
      State s = new State();
      List<Event> sorted = new ArrayList<>(events);
      sorted.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::counter));
      Map<String, String> labelAt = new HashMap<>();
      for (Event e : sorted) {
        if (e.kind() == Kind.REGISTER) {
          labelAt.put(e.commit(), e.version());
        }
      }
      for (Event e : sorted) {
        switch (e.kind()) {
          case REGISTER:
            s.commits.put(e.version(), e.commit()); // a re-registration moves the version
            s.active.add(e.version());
            s.deprecated = false;
            break;
          case DEREGISTER:
            s.commits.putIfAbsent(e.version(), e.commit());
            s.active.remove(e.version());
            break;
          case DEPRECATE:
            s.deprecated = true;
            break;
          case ASSIGN:
          case UNASSIGN:
            String label = labelAt.get(e.commit());
            String stage = e.stage().toLowerCase(Locale.ROOT);
            s.stagesSeen.add(stage);
            if (label == null) {
              break; // a stage on a commit with no registered version: not a registry version
            }
            String pair = stage + "\u0000" + label;
            if (e.kind() == Kind.ASSIGN) {
              s.activePairs.remove(pair);
              s.activePairs.put(pair, e.time());
            } else {
              s.activePairs.remove(pair);
            }
            s.deprecated = false;
            break;
        }
      }
      s.activePairs.keySet().removeIf(p -> !s.active.contains(p.split("\u0000", 2)[1]));
      return s;
    }

    /**
     * The label holding a stage: its most recent active assignment, among versions for which that
     * is their most recent active assignment (GTO lets a version hold several stages; here a
     * version holds one, its latest).
     */
    Optional<String> holder(String stage) {
      Map<String, String> latestStage = new HashMap<>();
      for (String pair : activePairs.keySet()) { // insertion order = assignment order
        String[] sv = pair.split("\u0000", 2);
        latestStage.put(sv[1], sv[0]);
      }
      String best = null;
      for (String pair : activePairs.keySet()) {
        String[] sv = pair.split("\u0000", 2);
        if (sv[0].equals(stage) && stage.equals(latestStage.get(sv[1]))) {
          best = sv[1];
        }
      }
      return Optional.ofNullable(best);
    }
  }

  private static Map<String, List<Event>> group(List<Event> events) {
    Map<String, List<Event>> out = new TreeMap<>();
    for (Event e : events) {
      out.computeIfAbsent(e.artifact(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  List<Event> readEvents() {
    String out =
        git(
            Map.of(),
            "for-each-ref",
            "--format=%(refname:strip=2)%09%(objecttype)%09%(*objectname)%09%(taggerdate:unix)",
            "refs/tags");
    List<Event> events = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length < 4 || !f[1].equals("tag")) {
        continue; // lightweight tags do not count in GTO
      }
      Matcher m = TAG.matcher(f[0]);
      if (!m.matches()) {
        continue;
      }
      String artifact = m.group("name").replace('=', ':');
      int n = m.group("n") == null ? 0 : Integer.parseInt(m.group("n"));
      long time = f[3].isEmpty() ? 0 : Long.parseLong(f[3]);
      String version = m.group("version");
      Kind kind;
      if ("created".equals(m.group("special"))) {
        continue;
      } else if (m.group("special") != null) {
        kind = Kind.DEPRECATE; // no '!' form: GTO does not parse name@deprecated!
      } else if (version != null) {
        if (!ModelRef.SEMVER_PATTERN.matcher(version).matches()) {
          continue;
        }
        kind = m.group("dereg") != null ? Kind.DEREGISTER : Kind.REGISTER;
      } else {
        kind = m.group("unassign") != null ? Kind.UNASSIGN : Kind.ASSIGN;
      }
      events.add(new Event(f[0], artifact, kind, version, m.group("stage"), n, f[2], time));
    }
    return events;
  }

  private String git(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.add("-C");
    cmd.add(repo.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      byte[] out = readAll(p.getInputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new StoreException("git " + String.join(" ", args) + " timed out in " + repo);
      }
      if (p.exitValue() != 0) {
        throw new StoreException(
            "git "
                + String.join(" ", args)
                + " failed in "
                + repo
                + ": "
                + new String(err.join(), StandardCharsets.UTF_8).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MlopsException(
          "cannot run git (is it installed and on the PATH?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while running git", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      in.transferTo(bos);
      return bos.toByteArray();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
