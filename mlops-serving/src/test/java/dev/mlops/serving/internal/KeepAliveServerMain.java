package dev.mlops.serving.internal;

import dev.mlops.Mlops;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM of {@link KeepAliveLatencyIT}: starts a model server with a trivial model in a fresh
 * JVM (so nothing else has created an {@code HttpServer} first), prints {@code PORT <n>} and {@code
 * NODELAY <property value>} on stdout, and serves until its stdin closes.
 */
public final class KeepAliveServerMain {
  record In(double x) {}

  private KeepAliveServerMain() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Mlops m = Mlops.open(Path.of(args[0]))) {
      Endpoint<In, Double> ep =
          m.serving()
              .endpoint("echo", In.class, (List<In> b) -> b.stream().map(In::x).toList())
              .build();
      try (ModelServer srv = m.serving().server().port(0).add(ep).start()) {
        out.println("NODELAY " + System.getProperty(JdkModelServer.NODELAY));
        out.println("PORT " + srv.port());
        InputStream in = System.in;
        while (in.read() >= 0) {
          // serve until the parent closes our stdin
        }
      }
    }
  }
}
