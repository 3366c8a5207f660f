package dev.mlops.tracking.file;

import dev.mlops.spi.ArtifactStore;
import dev.mlops.spi.ArtifactStoreContractTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** The folder artifact store passes the artifact store contract, symlink escapes included. */
class FileArtifactStoreTest extends ArtifactStoreContractTest {
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
