package dev.mlops.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import dev.mlops.NotFoundException;
import dev.mlops.tracking.ArtifactInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link ArtifactStore} passes. Extend it and implement {@link
 * #openStore(Path)}; each test gets a fresh store and a run root below its {@link
 * ArtifactStore#root()}.
 */
public abstract class ArtifactStoreContractTest {
  @TempDir protected Path dir;

  protected ArtifactStore store;
  protected URI runRoot;
  protected Path src;

  /** Opens a store that keeps artifacts under {@code dir} (or a remote location for this test). */
  protected abstract ArtifactStore openStore(Path dir);

  /**
   * Puts a symbolic link named {@code name} at the top of the run's artifacts pointing at {@code
   * outside}; returns false when the store has no links (the test is then skipped).
   */
  protected boolean createEscapingLink(URI runRoot, String name, Path outside) throws IOException {
    return false;
  }

  @BeforeEach
  void open() throws IOException {
    store = openStore(dir.resolve("store"));
    String root = store.root().toString();
    runRoot =
        URI.create(root + (root.endsWith("/") ? "" : "/") + "7/0123456789abcdef0123456789abcdef");
    src = Files.createDirectories(dir.resolve("src"));
  }

  private Path write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  @Test
  void filesAndFoldersAreStoredListedAndDownloaded() throws IOException {
    Path model = write(src.resolve("model.bin"), "weights");
    write(src.resolve("report/summary.txt"), "ok");
    write(src.resolve("report/plots/loss.csv"), "1,2");
    store.put(runRoot, model, "");
    store.put(runRoot, src.resolve("report"), "outputs");

    assertThat(store.list(runRoot, ""))
        .containsExactly(
            new ArtifactInfo("model.bin", false, 7), new ArtifactInfo("outputs", true, 0));
    assertThat(store.list(runRoot, "outputs/report"))
        .containsExactly(
            new ArtifactInfo("outputs/report/plots", true, 0),
            new ArtifactInfo("outputs/report/summary.txt", false, 2));
    assertThat(store.list(runRoot, "nothing")).isEmpty();

    Path out = dir.resolve("out");
    Path file = store.download(runRoot, "model.bin", out);
    assertThat(file).hasFileName("model.bin").hasContent("weights");
    Path folder = store.download(runRoot, "outputs/report", dir.resolve("out2"));
    assertThat(folder.resolve("plots/loss.csv")).hasContent("1,2");
    Path all = store.download(runRoot, "", dir.resolve("out3"));
    assertThat(all.resolve("outputs/report/summary.txt")).hasContent("ok");
    assertThatThrownBy(() -> store.download(runRoot, "missing.txt", out))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void putAgainReplacesTheFile() throws IOException {
    Path f = write(src.resolve("a.txt"), "one");
    store.put(runRoot, f, "x");
    write(f, "two");
    store.put(runRoot, f, "x");
    assertThat(store.download(runRoot, "x/a.txt", dir.resolve("o"))).hasContent("two");
    assertThat(store.list(runRoot, "x")).hasSize(1);
  }

  @Test
  void pathsOutsideTheRunAreRejected() throws IOException {
    Path f = write(src.resolve("a.txt"), "x");
    for (String bad : new String[] {"..", "../other", "a/../../b", "/etc", "a/../..", "\\abs"}) {
      assertThatThrownBy(() -> store.put(runRoot, f, bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.list(runRoot, bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.download(runRoot, bad, dir.resolve("o")))
          .as(bad)
          .isInstanceOf(InvalidInputException.class);
    }
    String root = store.root().toString();
    URI outsideRoot = URI.create(root + (root.endsWith("/") ? "" : "/") + "../escaped");
    assertThatThrownBy(() -> store.put(outsideRoot, f, ""))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void symlinksLeadingOutAreRejected() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    write(outside.resolve("secret.txt"), "secret");
    Path f = write(src.resolve("a.txt"), "x");
    store.put(runRoot, f, "");
    org.junit.jupiter.api.Assumptions.assumeTrue(createEscapingLink(runRoot, "link", outside));
    assertThatThrownBy(() -> store.put(runRoot, f, "link"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.list(runRoot, "link")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.download(runRoot, "link/secret.txt", dir.resolve("o")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(outside.resolve("a.txt")).doesNotExist();
  }
}
