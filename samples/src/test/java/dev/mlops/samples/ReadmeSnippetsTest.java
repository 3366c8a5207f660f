package dev.mlops.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the root README against the modules, so the README never
 * lies. A block that declares a class is compiled as it is; any other block becomes the body of a
 * method with {@code Mlops m} in scope and the usual imports.
 */
class ReadmeSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final String IMPORTS =
      String.join(
          "\n",
          "import dev.mlops.*;",
          "import dev.mlops.tracking.*;",
          "import dev.mlops.versioning.*;",
          "import dev.mlops.pipeline.*;",
          "import dev.mlops.registry.*;",
          "import dev.mlops.serving.*;",
          "import dev.mlops.monitoring.*;",
          "import dev.mlops.testing.*;",
          "import dev.mlops.samples.*;",
          "import static dev.mlops.testing.MlopsAssertions.*;",
          "import java.net.URI;",
          "import java.nio.file.*;",
          "import java.time.Duration;",
          "import java.util.*;",
          "");

  @TempDir Path out;

  static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md").resolveSibling("mlops-api"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root (holding README.md and mlops-api)").isNotNull();
    return dir.resolve("README.md");
  }

  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void everyJavaBlockOfTheReadmeCompiles() throws IOException {
    List<String> blocks = javaBlocks(Files.readString(readme(), StandardCharsets.UTF_8));
    assertThat(blocks).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(6);

    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      String block = blocks.get(i);
      Matcher named = Pattern.compile("(?m)^(?:public )?(?:final )?class (\\w+)").matcher(block);
      String code;
      String name;
      if (named.find()) {
        name = named.group(1);
        code = "package readme.b" + i + ";\n" + IMPORTS + block;
        sources.add(source("readme/b" + i + "/" + name, code));
      } else {
        name = "Snippet" + i;
        code =
            "package readme;\n"
                + IMPORTS
                + "@SuppressWarnings(\"unused\")\nclass "
                + name
                + " {\n  static void snippet(Mlops m) throws Exception {\n"
                + block
                + "\n  }\n}\n";
        sources.add(source("readme/" + name, code));
      }
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean ok =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "-d",
                      out.toString(),
                      "-classpath",
                      System.getProperty(
                          "surefire.test.class.path", System.getProperty("java.class.path")),
                      "-proc:none",
                      "--release",
                      "17"),
                  null,
                  sources)
              .call();
      StringBuilder report = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          report
              .append(d.getSource() == null ? "" : d.getSource().getName())
              .append(':')
              .append(d.getLineNumber())
              .append(": ")
              .append(d.getMessage(Locale.ROOT))
              .append('\n');
        }
      }
      assertThat(ok).as("README java blocks compile:\n%s", report).isTrue();
    }
  }

  @Test
  void blocksAreFoundIncludingOnesThatDeclareClasses() {
    String md = "x\n```java\nclass A {}\n```\ny\n```bash\nls\n```\n```java\nint a = 1;\n```\n";
    assertThat(javaBlocks(md)).containsExactly("class A {}\n", "int a = 1;\n");
  }

  private static JavaFileObject source(String path, String code) {
    return new SimpleJavaFileObject(
        URI.create("string:///" + path + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }
}
