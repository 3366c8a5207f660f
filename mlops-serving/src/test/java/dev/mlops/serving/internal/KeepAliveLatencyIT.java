package dev.mlops.serving.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keep-alive round-trip regression bound the serving issue asks for ("&lt; 5 ms"), kept out of
 * the unit tests because the project's rule is that no unit test asserts a time.
 *
 * <p>What it guards: on JDK 17 the built-in HTTP server writes the response headers and body as two
 * small TCP segments; unless {@code sun.net.httpserver.nodelay=true} was set before the JVM's first
 * {@code HttpServer}, Nagle holds the body until the client's delayed ACK, and every keep-alive
 * request takes ~40 ms. {@link JdkModelServer} sets the property itself, so the server runs in a
 * fresh child JVM started without it: the test proves the library's own fix, not a flag in the
 * build.
 *
 * <p>Why it is robust on a loaded CI machine: the bound is on the <em>median</em> of 200 sequential
 * round trips on one loopback connection, and the best of up to 5 such rounds counts (it stops at
 * the first round under the bound). A Nagle stall hits every request, so each round's median sits
 * near 40 ms and all of them fail; scheduling noise from other load hits a minority of requests and
 * moves a median far less than the 5 ms bound, which is 8x below the stall and far above a loopback
 * round trip (~0.1 ms idle; 1-3 ms measured while a full Maven build loaded both cores). A control
 * test runs the same measurement against a hand-made server with the two-write pattern and Nagle
 * on, proving that the measurement does see a stall on this machine.
 */
class KeepAliveLatencyIT {
  static final long BOUND_NANOS = 5_000_000L;

  /** Warm-up requests (the child's JIT compiles the request path), at most 2 s of them. */
  static final int WARMUP = 500;

  static final int ROUNDS = 5;
  static final int PER_ROUND = 200;
  static final String PAYLOAD = "{\"instances\": [{\"x\": 1.5}]}";

  @TempDir Path tmp;

  @Test
  void keepAliveRoundTripMedianStaysUnder5msInAFreshJvm() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            KeepAliveServerMain.class.getName(),
            tmp.resolve("home").toString());
    Path childLog = tmp.resolve("child.log");
    pb.redirectError(childLog.toFile());
    Process child = pb.start();
    try {
      Map<String, String> info = readInfo(child, childLog);
      assertThat(info.get("NODELAY"))
          .as("the model server sets %s itself in a JVM started without it", JdkModelServer.NODELAY)
          .isEqualTo("true");
      int port = Integer.parseInt(info.get("PORT"));
      long[] medians = medians(port, invocationRequest(), WARMUP, ROUNDS, PER_ROUND, BOUND_NANOS);
      System.out.println("keep-alive round-trip medians (ns): " + Arrays.toString(medians));
      assertThat(Arrays.stream(medians).min().orElseThrow())
          .as(
              "best median keep-alive round trip (ns) of the rounds %s; a Nagle stall would put"
                  + " every one near 40 ms",
              Arrays.toString(medians))
          .isLessThan(BOUND_NANOS);
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void theMeasurementSeesANagleStallWhenThereIsOne() throws Exception {
    // delayed ACK is what turns Nagle into a stall; Linux (the CI platform) delays ACKs by 40 ms
    assumeTrue(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
        "the control relies on Linux's delayed ACK");
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> server = CompletableFuture.runAsync(() -> twoWriteServer(ss));
      // one short round: each stalled request costs ~40 ms
      long[] medians = medians(ss.getLocalPort(), invocationRequest(), 5, 1, 51, 0);
      assertThat(Arrays.stream(medians).min().orElseThrow())
          .as(
              "a server writing headers and body separately with Nagle on stalls; medians %s",
              Arrays.toString(medians))
          .isGreaterThan(BOUND_NANOS);
      ss.close();
      server.get(10, TimeUnit.SECONDS);
    }
  }

  /** Answers keep-alive requests the way JDK 17's server does: headers, then body, Nagle on. */
  private static void twoWriteServer(ServerSocket ss) {
    try (Socket s = ss.accept()) {
      s.setTcpNoDelay(false);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      byte[] body = "{\"predictions\":[1.5]}".getBytes(StandardCharsets.US_ASCII);
      byte[] head =
          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      while (readMessage(in) != null) {
        out.write(head);
        out.flush();
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      // the client closed the connection: done
    }
  }

  private static byte[] invocationRequest() {
    return ("POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + PAYLOAD.length()
            + "\r\n\r\n"
            + PAYLOAD)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Medians of up to {@code rounds} rounds of {@code perRound} sequential round trips on one
   * connection, stopping after the first round whose median is under {@code stopBelow}.
   */
  private static long[] medians(
      int port, byte[] request, int warmup, int rounds, int perRound, long stopBelow)
      throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      long warmupEnd = System.nanoTime() + 2_000_000_000L;
      for (int i = 0; i < warmup && System.nanoTime() < warmupEnd; i++) {
        roundTrip(in, out, request);
      }
      long[] medians = new long[rounds];
      long[] times = new long[perRound];
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < perRound; i++) {
          times[i] = roundTrip(in, out, request);
        }
        Arrays.sort(times);
        medians[r] = times[perRound / 2];
        if (medians[r] < stopBelow) {
          return Arrays.copyOf(medians, r + 1);
        }
      }
      return medians;
    }
  }

  private static long roundTrip(InputStream in, OutputStream out, byte[] request)
      throws IOException {
    long t0 = System.nanoTime();
    out.write(request);
    out.flush();
    String status = readMessage(in);
    long took = System.nanoTime() - t0;
    assertThat(status).as("a keep-alive response").startsWith("HTTP/1.1 200");
    return took;
  }

  /** Reads one HTTP/1.1 message with a Content-Length body; its first line, or null at EOF. */
  private static String readMessage(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  /** The child's {@code KEY value} lines up to PORT; fails with its log if it does not start. */
  private static Map<String, String> readInfo(Process child, Path childLog) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Map<String, String>> f =
        CompletableFuture.supplyAsync(
            () -> {
              Map<String, String> info = new HashMap<>();
              try {
                String line;
                while ((line = r.readLine()) != null) {
                  String[] kv = line.split(" ", 2);
                  if (kv.length == 2) {
                    info.put(kv[0], kv[1]);
                  }
                  if (kv[0].equals("PORT")) {
                    break;
                  }
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return info;
            });
    Map<String, String> info;
    try {
      info = f.get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      child.destroyForcibly();
      throw new AssertionError("the child server did not start; log:\n" + log(childLog), e);
    }
    assertThat(info).as("child output; log:\n%s", log(childLog)).containsKey("PORT");
    return info;
  }

  private static String log(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "(none)";
  }
}
