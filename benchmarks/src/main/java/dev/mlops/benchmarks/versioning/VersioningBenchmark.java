package dev.mlops.benchmarks.versioning;

import dev.mlops.Mlops;
import dev.mlops.versioning.DataStatus;
import dev.mlops.versioning.DataVersion;
import dev.mlops.versioning.DataVersioning;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Benchmarks of mlops-versioning against the machine's limit, measured in the same run:
 *
 * <ol>
 *   <li>hash one big file vs {@code md5sum} (target ratio >= 0.9x of md5sum's throughput);
 *   <li>{@code add} of a folder of many small files vs {@code find | xargs -P2 md5sum} (<= 1.2x its
 *       time);
 *   <li>{@code status()} of that folder with nothing changed (< 1 s);
 *   <li>push + pull of that folder to a folder remote vs {@code cp -r} twice (<= 2x).
 * </ol>
 *
 * <p>Run from the reactor root:
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am -DskipTests -Djacoco.skip=true package \
 *     dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "benchmarks/target/classes:$(cat /tmp/cp.txt)" \
 *     dev.mlops.benchmarks.versioning.VersioningBenchmark --file-mib=1024 --files=100000
 * </pre>
 *
 * <p>Flags: {@code --file-mib} (default 512), {@code --files} (default 20000), {@code --file-bytes}
 * (default 1024), {@code --dir} (scratch folder, default a temp folder; deleted at the end).
 * Besides wall time, the table shows the CPU seconds of this process and the peak heap.
 */
public final class VersioningBenchmark {
  private record Row(
      String what, double ours, double baseline, String target, long peakHeapMib, double cpu) {
    Row(String what, double ours, double baseline, String target, long peakHeapMib) {
      this(what, ours, baseline, target, peakHeapMib, lastCpu);
    }
  }

  /** CPU seconds of this process during the last {@link #seconds} call (all threads). */
  private static double lastCpu;

  private VersioningBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      }
    }
    long fileMib = Long.parseLong(flags.getOrDefault("file-mib", "512"));
    int files = Integer.parseInt(flags.getOrDefault("files", "20000"));
    int fileBytes = Integer.parseInt(flags.getOrDefault("file-bytes", "1024"));
    Path scratch =
        flags.containsKey("dir")
            ? Files.createDirectories(Path.of(flags.get("dir")))
            : Files.createTempDirectory("mlops-versioning-bench");
    List<Row> rows = new ArrayList<>();
    try {
      Path ws = scratch.resolve("ws");
      Files.createDirectories(ws);
      try (Mlops m =
          Mlops.builder()
              .home(ws.resolve(".mlops"))
              .workspace(ws)
              .property("versioning.link.type", "copy")
              .build()) {
        DataVersioning data = m.data();
        rows.add(hashBigFile(data, ws, fileMib));
        rows.addAll(folder(data, m, scratch, ws, files, fileBytes));
      }
    } finally {
      deleteTree(scratch);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%-52s %9s %9s %7s  %-29s %9s %s%n",
        "benchmark",
        "ours",
        "baseline",
        "ratio",
        "target",
        "our cpu s",
        "peak heap");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-52s %9.3f %9.3f %7.2f  %-29s %9.3f %d MiB%n",
          r.what(),
          r.ours(),
          r.baseline(),
          r.baseline() > 0 ? r.ours() / r.baseline() : Double.NaN,
          r.target(),
          r.cpu(),
          r.peakHeapMib());
    }
    double[] load = {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()};
    System.out.printf(
        Locale.ROOT,
        "load average at the end: %.1f on %d cores%n",
        load[0],
        Runtime.getRuntime().availableProcessors());
    if (load[0] < 0) {
      System.out.println("(load average not available)");
    }
    System.out.printf(Locale.ROOT, "max heap: %d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
  }

  private static Row hashBigFile(DataVersioning data, Path ws, long mib) throws Exception {
    Path big = ws.resolve("big.bin");
    writeRandom(big, mib << 20);
    double md5sum = Double.MAX_VALUE;
    double ours = Double.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      md5sum = Math.min(md5sum, seconds(() -> sh("md5sum '" + big + "' > /dev/null")));
      resetPeaks();
      // touch the file so the state table cannot answer: a real hash every time
      Files.setLastModifiedTime(big, java.nio.file.attribute.FileTime.fromMillis(1000L * (i + 1)));
      ours = Math.min(ours, seconds(() -> data.hash(big)));
    }
    long heap = peakHeapMib();
    Files.delete(big);
    // a time ratio: throughput >= 0.9x of md5sum means a ratio <= 1.11
    return new Row(
        "1. hash " + mib + " MiB file: s (vs md5sum)",
        ours,
        md5sum,
        "throughput >= 0.9x (<= 1.11)",
        heap);
  }

  private static List<Row> folder(
      DataVersioning data, Mlops m, Path scratch, Path ws, int files, int bytes) throws Exception {
    List<Row> rows = new ArrayList<>();
    Path dir = ws.resolve("many");
    Random r = new Random(42);
    byte[] buf = new byte[bytes];
    for (int i = 0; i < files; i++) {
      Path f = dir.resolve(String.format(Locale.ROOT, "d%03d/f%06d.bin", i % 1000, i));
      if (i < 1000) {
        Files.createDirectories(f.getParent());
      }
      r.nextBytes(buf);
      Files.write(f, buf);
    }
    sh("sync -f '" + dir + "'");
    double md5sum =
        seconds(
            () ->
                sh("cd '" + dir + "' && find . -type f -print0 | xargs -0 -P2 md5sum > /dev/null"));
    resetPeaks();
    DataVersion[] v = new DataVersion[1];
    double add = seconds(() -> v[0] = data.add(dir));
    rows.add(
        new Row(
            "2. add " + files + " x " + bytes + " B: s (vs find|xargs -P2 md5sum)",
            add,
            md5sum,
            "<= 1.2x",
            peakHeapMib()));
    // the add writes a copy of every file into the cache: the machine's cost of that alone
    Path cpOnly = scratch.resolve("cp-only");
    double cpOnlyTime =
        seconds(() -> sh("cp -r '" + dir + "' '" + cpOnly + "' && sync -f '" + cpOnly + "'"));
    rows.add(
        new Row(
            "2b. add: s (vs md5sum + cp -r + sync)",
            add,
            md5sum + cpOnlyTime,
            "(context)",
            0,
            Double.NaN));

    // the floor of the add in Java: read every file once, write a temp copy in one of 256
    // folders, rename it into place (what the add does per file, without hashing or state)
    Path floorDir = scratch.resolve("floor");
    double floor = seconds(() -> javaCopyFloor(dir, floorDir));
    double floorCpu = lastCpu;
    rows.add(
        new Row(
            "2c. floor: Java read+create+write+rename, 2 thr",
            floor,
            md5sum,
            "(context: floor vs md5sum)",
            0,
            floorCpu));
    deleteTree(floorDir);

    resetPeaks();
    DataStatus[] st = new DataStatus[1];
    double status = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      double t = seconds(() -> st[0] = data.status());
      System.out.printf(Locale.ROOT, "status run %d: %.3f s (cpu %.3f s)%n", i + 1, t, lastCpu);
      status = Math.min(status, t);
      if (!st[0].clean()) {
        throw new IllegalStateException("status not clean: " + st[0]);
      }
    }
    rows.add(
        new Row(
            "3. status(), nothing changed: s (vs 1 s)",
            status,
            1.0,
            "< 1 s (ratio < 1)",
            peakHeapMib()));

    Path remote = scratch.resolve("remote");
    Path clone = scratch.resolve("clone");
    Files.createDirectories(clone);
    Files.copy(ws.resolve("many.dvc"), clone.resolve("many.dvc"));
    data.addRemote("bench", remote.toUri());
    resetPeaks();
    double push =
        seconds(
            () -> {
              data.push("bench");
              return null;
            });
    double cpuPush = lastCpu;
    double pull;
    try (Mlops m2 =
        Mlops.builder()
            .home(clone.resolve(".mlops"))
            .workspace(clone)
            .property("versioning.link.type", "copy")
            .build()) {
      m2.data().addRemote("bench", remote.toUri());
      pull =
          seconds(
              () -> {
                m2.data().pull("bench");
                return null;
              });
      cpuPush += lastCpu;
      if (!m2.data().hash(clone.resolve("many")).equals(v[0])) {
        throw new IllegalStateException("pulled folder differs");
      }
    }
    long heap = peakHeapMib();
    Path cpOut = scratch.resolve("cp-out");
    Path cpBack = scratch.resolve("cp-back");
    double cp =
        seconds(
            () ->
                sh(
                    "cp -r '"
                        + dir
                        + "' '"
                        + cpOut
                        + "' && cp -r '"
                        + cpOut
                        + "' '"
                        + cpBack
                        + "' && sync -f '"
                        + cpBack
                        + "'"));
    rows.add(new Row("4. push+pull: s (vs cp -r twice)", push + pull, cp, "<= 2x", heap, cpuPush));
    System.out.printf(Locale.ROOT, "push %.3f s, pull (fetch + checkout) %.3f s%n", push, pull);
    return rows;
  }

  /** Copies every file of {@code src} as the add writes cache objects, on two threads. */
  private static Object javaCopyFloor(Path src, Path out) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var s = Files.walk(src)) {
      s.filter(Files::isRegularFile).forEach(files::add);
    }
    for (int i = 0; i < 256; i++) {
      Files.createDirectories(out.resolve(String.format(Locale.ROOT, "%02x", i)));
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int lo = t * files.size() / 2;
        int hi = (t + 1) * files.size() / 2;
        fs.add(
            pool.submit(
                () -> {
                  ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
                  for (int i = lo; i < hi; i++) {
                    Path d = out.resolve(String.format(Locale.ROOT, "%02x", i & 255));
                    Path tmp = d.resolve(".f" + i + ".tmp");
                    try (FileChannel in = FileChannel.open(files.get(i));
                        FileChannel o =
                            FileChannel.open(
                                tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                      buf.clear();
                      while (in.read(buf) >= 0 && buf.hasRemaining()) {
                        // fill
                      }
                      buf.flip();
                      while (buf.hasRemaining()) {
                        o.write(buf);
                      }
                    }
                    Files.move(
                        tmp, d.resolve("f" + i), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return null;
  }

  private static void writeRandom(Path p, long size) throws IOException {
    Random r = new Random(7);
    byte[] chunk = new byte[1 << 20];
    try (FileChannel ch =
        FileChannel.open(
            p,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long done = 0; done < size; done += chunk.length) {
        r.nextBytes(chunk);
        ch.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - done)));
      }
    }
  }

  private static double seconds(Callable<?> c) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    c.call();
    double wall = (System.nanoTime() - t0) / 1e9;
    lastCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    return wall;
  }

  private static Object sh(String cmd) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException(cmd + " exited with " + rc);
    }
    return null;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeapMib() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        x.toFile().setWritable(true);
        Files.deleteIfExists(x);
      }
    }
  }
}
