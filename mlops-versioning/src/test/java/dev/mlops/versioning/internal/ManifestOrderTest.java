package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast code-point comparison agrees with comparing code point arrays. */
class ManifestOrderTest {
  private static final String[] PIECES = {
    "a", "b", "/", "é", "\uFFFD", "\uE000", "\uD83D\uDE00", "\uD83D\uDE01", "\uD800", "\uDC00", "0"
  };

  private static String random(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 7L, 42L, 2024L})
  void agreesWithCodePointArrays(long seed) {
    Random r = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      String a = random(r);
      String b = r.nextInt(4) == 0 ? a + random(r) : random(r);
      int want = Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
      int got = Manifest.CODE_POINT_ORDER.compare(a, b);
      assertThat(Integer.signum(got))
          .as("seed %d: %s vs %s", seed, escape(a), escape(b))
          .isEqualTo(Integer.signum(want));
    }
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
    return sb.toString();
  }
}
