package dev.mlops.testing;

import dev.mlops.Mlops;
import dev.mlops.pipeline.Output;
import dev.mlops.pipeline.Pipeline;
import dev.mlops.pipeline.PipelineRun;
import dev.mlops.pipeline.ReproOptions;
import dev.mlops.pipeline.Stage;
import dev.mlops.pipeline.StageOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/** The check behind {@link MlopsAssertions#assertReproducible(Pipeline)}. */
final class Reproducibility {
  private static final Set<String> SKIPPED = Set.of(".mlops", ".git", "dvc.lock");

  private Reproducibility() {}

  static TreeMap<String, String> check(Pipeline pipeline) {
    Path source =
        pipeline
            .dir()
            .orElseGet(
                () ->
                    MlopsExtension.current()
                        .map(m -> m.config().workspace())
                        .orElse(Path.of("").toAbsolutePath()));
    Set<String> outputs = new TreeSet<>();
    for (Stage stage : pipeline.stages().values()) {
      for (Output o : stage.outputs()) {
        outputs.add(Pipeline.resolve(stage, o.path()));
      }
    }
    TreeMap<String, String> first = runOnce(pipeline, source, outputs, 1);
    TreeMap<String, String> second = runOnce(pipeline, source, outputs, 2);
    if (!first.equals(second)) {
      String differing =
          outputs.stream()
              .filter(o -> !first.get(o).equals(second.get(o)))
              .map(o -> o + " (" + first.get(o) + " then " + second.get(o) + ")")
              .collect(Collectors.joining(", "));
      throw new AssertionFailedError(
          "pipeline '" + pipeline.name() + "' is not reproducible: outputs differ: " + differing);
    }
    return first;
  }

  private static TreeMap<String, String> runOnce(
      Pipeline pipeline, Path source, Set<String> outputs, int attempt) {
    Path ws;
    try {
      ws = Files.createTempDirectory("mlops-repro-");
      copySources(source, ws, outputs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + source + " into a fresh workspace", e);
    }
    try (Mlops m = Mlops.builder().home(ws.resolve(".mlops")).workspace(ws).build()) {
      Pipeline copy =
          pipeline.source().isPresent()
              ? Pipeline.load(ws.resolve(source.relativize(pipeline.source().get())))
              : pipeline.withDir(ws);
      PipelineRun run =
          m.pipelines().repro(copy, ReproOptions.defaults().runCache(false).force(true));
      if (!run.succeeded()) {
        String failed =
            run.stages().stream()
                .filter(s -> s.outcome() == StageOutcome.FAILED)
                .map(s -> s.stage() + ": " + s.message())
                .collect(Collectors.joining("; "));
        throw new AssertionFailedError(
            "pipeline '"
                + pipeline.name()
                + "' failed in fresh workspace "
                + attempt
                + ": "
                + failed);
      }
      TreeMap<String, String> hashes = new TreeMap<>();
      for (String out : outputs) {
        Path file = ws.resolve(out);
        if (!Files.exists(file)) {
          throw new AssertionFailedError(
              "pipeline '"
                  + pipeline.name()
                  + "' did not produce "
                  + out
                  + " (attempt "
                  + attempt
                  + ")");
        }
        hashes.put(out, m.data().hash(file).md5());
      }
      return hashes;
    } finally {
      MlopsExtension.deleteRecursively(ws);
    }
  }

  private static void copySources(Path from, Path to, Set<String> outputs) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            String rel = relative(from, dir);
            if (!rel.isEmpty()
                && (skipped(dir) || outputs.contains(rel) || rel.equals(".dvc/cache"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(rel));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String rel = relative(from, file);
            if (!skipped(file) && !outputs.contains(rel)) {
              Files.copy(file, to.resolve(rel), StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static boolean skipped(Path p) {
    return SKIPPED.contains(p.getFileName().toString());
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }
}
