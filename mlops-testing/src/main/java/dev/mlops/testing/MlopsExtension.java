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
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit 5 extension behind {@link MlopsTest}; usable directly with
 * {@code @ExtendWith(MlopsExtension.class)}. Each test method gets its own workspace folder (a new
 * temporary directory) holding a home ({@code <workspace>/.mlops}), and an {@link Mlops} on it,
 * injected into {@code Mlops} parameters (of the test method, its {@code @BeforeEach} and {@code
 * AfterEach} methods) and into non-static, non-final {@code Mlops} fields of the test instance (and
 * of its enclosing instances for {@code @Nested} classes, and of its superclasses). A {@code
 * TestFactory} method's instance serves its dynamic tests.
 *
 * <p>After the test the instance is closed; its folder is deleted if the test passed and kept if it
 * failed, with the path logged (SLF4J, WARN), published as the report entry {@code mlops.home}, and
 * attached to the exception of the test (or of its {@code @BeforeEach} / {@code @AfterEach} method)
 * as a suppressed exception, so that the failure printed by the build names the folder.
 *
 * <p>A {@code Mlops} parameter of a {@code @BeforeAll} / {@code @AfterAll} method (or of the
 * constructor of a {@code PER_CLASS} test class), and a static non-final {@code Mlops} field, get
 * one instance for the whole class, closed after the class; it is kept when any test of the class
 * failed. A final field is never overwritten: one assigned from a {@code PER_CLASS} constructor
 * keeps the class-wide instance (with the default per-method lifecycle the constructor already gets
 * the test's own instance).
 *
 * <p>Thread-safe: safe under JUnit's parallel execution (every test has its own instance and
 * folder). A field of a test instance shared by concurrent tests ({@code PER_CLASS} lifecycle with
 * concurrent methods) holds whichever test's instance was injected last: use parameters there.
 */
public final class MlopsExtension
    implements BeforeAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        InvocationInterceptor,
        AfterAllCallback,
        ParameterResolver,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(MlopsExtension.class);
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(MlopsExtension.class);
  private static final InheritableThreadLocal<Home> CURRENT = new InheritableThreadLocal<>();

  /**
   * The open instance of the test running on this thread (or on the thread that started this one),
   * if it uses the extension.
   */
  static Optional<Mlops> current() {
    Home home = CURRENT.get();
    return home == null || home.closed ? Optional.empty() : Optional.of(home.mlops);
  }

  /** The workspace of the current test's instance (the folder holding its home). */
  public static Path workspace(Mlops mlops) {
    return mlops.config().workspace();
  }

  /** Injects static {@code Mlops} fields with the class-wide instance (as for {@code @TempDir}). */
  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Class<?> testClass = context.getRequiredTestClass();
    Mlops mlops = null;
    for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (injectable(f, true)) {
          if (mlops == null) {
            mlops = home(context).mlops;
          }
          f.setAccessible(true);
          f.set(null, mlops);
        }
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Mlops mlops = home(context).mlops;
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> c = instance.getClass();
          c != null && c != Object.class;
          c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (injectable(f, false)) {
            f.setAccessible(true);
            f.set(instance, mlops);
          }
        }
      }
    }
  }

  /**
   * A non-final {@code Mlops} field: a final one was set by the constructor (with the class-wide
   * instance for a {@code PER_CLASS} test class) and stays as the test author wrote it.
   */
  private static boolean injectable(Field f, boolean wantStatic) {
    int mod = f.getModifiers();
    return f.getType() == Mlops.class
        && Modifier.isStatic(mod) == wantStatic
        && !Modifier.isFinal(mod);
  }

  /**
   * A failing dynamic test of a {@code @TestFactory} keeps the home of its factory method (dynamic
   * tests get no {@code afterEach} of their own) and names it in its failure.
   */
  @Override
  public void interceptDynamicTest(
      Invocation<Void> invocation,
      DynamicTestInvocationContext invocationContext,
      ExtensionContext context)
      throws Throwable {
    try {
      invocation.proceed();
    } catch (Throwable t) {
      Optional<Home> home = nearestHome(context);
      if (home.isPresent()) {
        home.get().keep = true;
        t.addSuppressed(new KeptHome(home.get().dir));
      }
      throw t;
    }
  }

  /** The home of this context or of its nearest ancestor that has one. */
  private static Optional<Home> nearestHome(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context);
        c.isPresent();
        c = c.get().getParent()) {
      Home home = c.get().getStore(NS).get(key(c.get()), Home.class);
      if (home != null) {
        return Optional.of(home);
      }
    }
    return Optional.empty();
  }

  /**
   * A constructor of a test class with the default per-method lifecycle gets the test's own
   * instance (JUnit's default scope would hand it the class's, shared by every test).
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(
      ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Mlops.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    return home(context).mlops;
  }

  /**
   * The home of this very context: the key holds the context's unique id, so that a test method
   * never finds (and shares) a home that its class context holds.
   */
  private static Home home(ExtensionContext context) {
    Home home =
        context
            .getStore(NS)
            .getOrComputeIfAbsent(
                key(context), k -> new Home(context.getDisplayName()), Home.class);
    CURRENT.set(home);
    return home;
  }

  private static String key(ExtensionContext context) {
    return "home:" + context.getUniqueId();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw namingKeptHome(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(
      ExtensionContext context, Throwable throwable) throws Throwable {
    throw namingKeptHome(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw namingKeptHome(context, throwable);
  }

  private static Throwable namingKeptHome(ExtensionContext context, Throwable throwable) {
    Home home = context.getStore(NS).get(key(context), Home.class);
    if (home != null) {
      throwable.addSuppressed(new KeptHome(home.dir));
    }
    return throwable;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    if (failed) {
      // a class-wide home (from @BeforeAll) saw a failing test: keep it too
      context
          .getParent()
          .map(parent -> parent.getStore(NS).get(key(parent), Home.class))
          .ifPresent(h -> h.keep = true);
    }
    finish(context, failed);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    finish(context, context.getExecutionException().isPresent());
  }

  private static void finish(ExtensionContext context, boolean failed) {
    Home home = context.getStore(NS).remove(key(context), Home.class);
    if (home != null && CURRENT.get() == home) {
      CURRENT.remove();
    }
    if (home == null) {
      return;
    }
    home.mlops.close();
    home.closed = true;
    if (failed || home.keep) {
      log.warn("test {} failed; its mlops home is kept at {}", context.getDisplayName(), home.dir);
      context.publishReportEntry("mlops.home", home.dir.toString());
    } else {
      deleteRecursively(home.dir);
    }
  }

  /** Attached to a failing test's exception: names the folder that was kept. */
  static final class KeptHome extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeptHome(Path dir) {
      super("the test's mlops home is kept at " + dir, null, false, false);
    }
  }

  static final class Home implements AutoCloseable {
    final Path dir;
    final Mlops mlops;
    volatile boolean closed;
    volatile boolean keep;

    Home(String name) {
      try {
        dir = Files.createTempDirectory("mlops-test-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary home for " + name, e);
      }
      mlops = Mlops.builder().home(dir.resolve(".mlops")).workspace(dir).build();
    }

    /** Closes the instance and deletes the folder (JUnit calls this for a home left in a store). */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        mlops.close();
        deleteRecursively(dir);
      }
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
