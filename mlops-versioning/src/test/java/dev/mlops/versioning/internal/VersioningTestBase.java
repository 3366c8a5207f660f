package dev.mlops.versioning.internal;

import dev.mlops.Mlops;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens a real Mlops instance with its home inside a temporary workspace. */
abstract class VersioningTestBase {
  @TempDir Path ws;
  Mlops mlops;
  DataVersioning data;

  @BeforeEach
  void open() throws IOException {
    beforeOpen();
    mlops = open(ws);
    data = mlops.data();
  }

  void beforeOpen() throws IOException {}

  Mlops open(Path workspace) {
    return open(workspace, null);
  }

  /** Opens a workspace; {@code linkType} like DVC's cache.type, or null for the default. */
  static Mlops open(Path workspace, String linkType) {
    Mlops.Builder b = Mlops.builder().home(workspace.resolve(".mlops")).workspace(workspace);
    if (linkType != null) {
      b.property("versioning.link.type", linkType);
    }
    return b.build();
  }

  @AfterEach
  void close() {
    if (mlops != null) {
      mlops.close();
    }
  }

  Path write(String rel, String content) throws IOException {
    Path p = ws.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  String read(String rel) throws IOException {
    return Files.readString(ws.resolve(rel), StandardCharsets.UTF_8);
  }
}
