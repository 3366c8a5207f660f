package dev.mlops.testing;

import dev.mlops.Mlops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit 5 extension behind {@link MlopsTest}; usable directly with
 * {@code @ExtendWith(MlopsExtension.class)}. Each test method gets its own workspace folder holding
 * a home ({@code <workspace>/.mlops}).
 */
public final class MlopsExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(MlopsExtension.class);
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(MlopsExtension.class);
  private static final String KEY = "mlops";
  private static final InheritableThreadLocal<Mlops> CURRENT = new InheritableThreadLocal<>();

  /** The instance of the test running on this thread, if it uses the extension. */
  static java.util.Optional<Mlops> current() {
    return java.util.Optional.ofNullable(CURRENT.get());
  }

  /** The workspace of the current test's instance (the folder holding its home). */
  public static Path workspace(Mlops mlops) {
    return mlops.config().workspace();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Mlops mlops = mlops(context);
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> c = instance.getClass();
          c != null && c != Object.class;
          c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (f.getType() == Mlops.class && !Modifier.isStatic(f.getModifiers())) {
            f.setAccessible(true);
            f.set(instance, mlops);
          }
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Mlops.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return mlops(context);
  }

  private static Mlops mlops(ExtensionContext context) {
    Mlops m =
        context
            .getStore(NS)
            .getOrComputeIfAbsent(KEY, k -> new Home(context.getDisplayName()), Home.class)
            .mlops;
    CURRENT.set(m);
    return m;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Home home = context.getStore(NS).remove(KEY, Home.class);
    CURRENT.remove();
    if (home == null) {
      return;
    }
    home.mlops.close();
    if (context.getExecutionException().isPresent()) {
      log.warn("test {} failed; its mlops home is kept at {}", context.getDisplayName(), home.dir);
      context.publishReportEntry("mlops.home", home.dir.toString());
    } else {
      deleteRecursively(home.dir);
    }
  }

  static final class Home implements AutoCloseable {
    final Path dir;
    final Mlops mlops;

    @Override
    public void close() {
      mlops.close();
      deleteRecursively(dir);
    }

    Home(String name) {
      try {
        dir = Files.createTempDirectory("mlops-test-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary home for " + name, e);
      }
      mlops = Mlops.builder().home(dir.resolve(".mlops")).workspace(dir).build();
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              file.toFile().setWritable(true);
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              d.toFile().setWritable(true);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("could not delete the test home {}: {}", dir, e.getMessage());
    }
  }
}
