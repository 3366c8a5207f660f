package dev.mlops.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.StoreException;
import dev.mlops.versioning.DataVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
  @TempDir Path dir;

  /** The lock of the DVC reference (section 4.2), as DVC writes it. */
  static final String DVC_LOCK =
      "schema: '2.0'\n"
          + "stages:\n"
          + "  train:\n"
          + "    cmd: python train.py data/features model.pkl\n"
          + "    deps:\n"
          + "    - path: data/features\n"
          + "      hash: md5\n"
          + "      md5: 5fb6b29836c388e093ca0715c872fe2a.dir\n"
          + "      size: 2\n"
          + "      nfiles: 2\n"
          + "    params:\n"
          + "      params.yaml:\n"
          + "        train.lr: 0.01\n"
          + "        train.seed: 42\n"
          + "    outs:\n"
          + "    - path: model.pkl\n"
          + "      hash: md5\n"
          + "      md5: 0f343b0931126a20f133d67c2b018a3b\n"
          + "      size: 1024\n";

  @Test
  void dvcLockRoundTripsByteForByte() throws IOException {
    Path f = dir.resolve("dvc.lock");
    Files.writeString(f, DVC_LOCK);
    Map<String, Map<String, Object>> read = LockFile.read(f);
    assertThat(read).containsOnlyKeys("train");
    assertThat(read.get("train")).containsKeys("cmd", "deps", "params", "outs");
    LockFile.write(f, read);
    assertThat(Files.readString(f)).isEqualTo(DVC_LOCK);
  }

  @Test
  void entriesAreBuiltInDvcKeyOrder() {
    Map<String, Map<String, Object>> params = new LinkedHashMap<>();
    params.put("z.yaml", new LinkedHashMap<>(Map.of("b", 2, "a", 1)));
    params.put("params.yaml", new LinkedHashMap<>(Map.of("train.seed", 42, "train.lr", 0.01)));
    params.put("conf.json", new LinkedHashMap<>(Map.of("opt", Map.of("name", "adam"))));
    Map<String, Object> e =
        LockFile.entry(
            List.of("echo a", "echo b"),
            List.of(
                LockFile.hashed(
                    "src/z.py",
                    new DataVersion("x", "00000000000000000000000000000002", 5, null),
                    dir.resolve("absent")),
                LockFile.hashed(
                    "data",
                    new DataVersion("x", "00000000000000000000000000000001.dir", 7, 3),
                    dir.resolve("absent"))),
            params,
            List.of(
                LockFile.hashed(
                    "out.bin",
                    new DataVersion("x", "00000000000000000000000000000003", 9, null),
                    dir.resolve("absent"))));
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    all.put("b-stage", e);
    String text = LockFile.render(all);
    assertThat(text)
        .isEqualTo(
            "schema: '2.0'\n"
                + "stages:\n"
                + "  b-stage:\n"
                + "    cmd:\n"
                + "    - echo a\n"
                + "    - echo b\n"
                + "    deps:\n"
                + "    - path: data\n"
                + "      hash: md5\n"
                + "      md5: 00000000000000000000000000000001.dir\n"
                + "      size: 7\n"
                + "      nfiles: 3\n"
                + "    - path: src/z.py\n"
                + "      hash: md5\n"
                + "      md5: '00000000000000000000000000000002'\n"
                + "      size: 5\n"
                + "    params:\n"
                + "      params.yaml:\n"
                + "        train.lr: 0.01\n"
                + "        train.seed: 42\n"
                + "      conf.json:\n"
                + "        opt:\n"
                + "          name: adam\n"
                + "      z.yaml:\n"
                + "        a: 1\n"
                + "        b: 2\n"
                + "    outs:\n"
                + "    - path: out.bin\n"
                + "      hash: md5\n"
                + "      md5: '00000000000000000000000000000003'\n"
                + "      size: 9\n");
  }

  @Test
  void storeKeepsExistingOrderAndAppendsNewInTopologicalOrder() throws IOException {
    Path f = dir.resolve("dvc.lock");
    Files.writeString(f, DVC_LOCK);
    LockStore store = new LockStore(f, List.of("prepare", "train", "evaluate"));
    store.put("evaluate", LockFile.entry("eval", List.of(), Map.of(), List.of()));
    store.put("prepare", LockFile.entry("prep", List.of(), Map.of(), List.of()));
    assertThat(LockFile.read(f).keySet()).containsExactly("train", "prepare", "evaluate");
    assertThat(Files.readString(f)).contains("  prepare:\n    cmd: prep\n");
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("dvc.lock");
    }
  }

  @Test
  void unknownSchemaOrGarbageIsAStoreError() throws IOException {
    Path f = dir.resolve("dvc.lock");
    Files.writeString(f, "schema: '3.0'\nstages: {}\n");
    assertThatThrownBy(() -> LockFile.read(f))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("3.0");
    Files.writeString(f, "stages: [\n");
    assertThatThrownBy(() -> LockFile.read(f))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("dvc.lock");
    assertThat(LockFile.read(dir.resolve("none.lock"))).isEmpty();
  }
}
