package dev.mlops.tracking.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.ArtifactStore;
import dev.mlops.spi.ArtifactStoreContractTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The folder artifact store passes the artifact store contract (inherited tests), symlink escapes
 * included, and keeps artifacts as plain files under the run's folder.
 */
class FileArtifactStoreTest extends ArtifactStoreContractTest {
  @Test
  void artifactsArePlainFilesUnderTheRunFolder() throws IOException {
    Path model = Files.writeString(src.resolve("model.bin"), "weights");
    store.put(runRoot, model, "models/v1");
    Path onDisk = Path.of(runRoot).resolve("models/v1/model.bin");
    assertThat(onDisk).isRegularFile().hasContent("weights");
    assertThat(onDisk.toAbsolutePath().normalize()).startsWith(dir.resolve("store"));
  }

  @Override
  protected ArtifactStore openStore(Path dir) {
    return new FileArtifactStore(dir);
  }

  @Override
  protected boolean createEscapingLink(URI runRoot, String name, Path outside) throws IOException {
    Path runDir = Files.createDirectories(Path.of(runRoot));
    Files.createSymbolicLink(runDir.resolve(name), outside);
    return true;
  }
}
