package dev.mlops.versioning.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The hashing vectors of the DVC reference (section 2.3). */
class HashingVectorsTest {
  @TempDir Path tmp;

  static Stream<Arguments> files() {
    return Stream.of(
        Arguments.of("1", "c4ca4238a0b923820dcc509a6f75849b"),
        Arguments.of("2", "c81e728d9d4c2f636f067f89cc14862c"),
        Arguments.of("3", "eccbc87e4b5ce2fe28308fd9f2a7baf3"),
        Arguments.of("file_content", "7f0b6bb0b7e951b7fd2b2a4a326297e1"),
        Arguments.of("new_file_content", "86d049de17c76ac44cdcac146042ec9b"),
        Arguments.of("1\n", "b026324c6904b2a9cb4b88d6d61c81d1"),
        Arguments.of("2\n", "26ab0db90d72e28ad0ba1e22ee510510"),
        Arguments.of("3\n", "6d7fce9fee471194aa8b5b6e47267f03"));
  }

  @ParameterizedTest
  @MethodSource("files")
  void fileVectors(String content, String md5) throws Exception {
    Path f = tmp.resolve("f");
    Files.writeString(f, content);
    assertThat(Hashing.md5(f)).isEqualTo(md5);
  }

  @Test
  void dos2unixVector() throws Exception {
    byte[] crlf = "a\r\nb\r\nc".getBytes(StandardCharsets.US_ASCII);
    assertThat(Hashing.md5Dos2Unix(new ByteArrayInputStream(crlf)))
        .isEqualTo("c32b2057b9bd62caa835386346177935");
    assertThat(Hashing.md5(crlf)).isNotEqualTo("c32b2057b9bd62caa835386346177935");
    // binary content (a NUL) is hashed raw
    byte[] bin = "a\r\n\0".getBytes(StandardCharsets.US_ASCII);
    assertThat(Hashing.md5Dos2Unix(new ByteArrayInputStream(bin))).isEqualTo(Hashing.md5(bin));
  }

  static Stream<Arguments> dirs() {
    return Stream.of(
        Arguments.of(new String[] {"1", "1", "2", "2"}, "5fb6b29836c388e093ca0715c872fe2a.dir"),
        Arguments.of(
            new String[] {"1", "1", "2", "two", "3", "3"}, "9b5faf37366b3370fd98e3e60ca439c1.dir"),
        Arguments.of(new String[] {"1", "1", "3", "3"}, "83ae82fb367ac9926455870773ff09e6.dir"),
        Arguments.of(
            new String[] {"file", "modified file content"}, "f0f7a307d223921557c929f944bf5303.dir"),
        Arguments.of(
            new String[] {"dir_file1", "dir file content"}, "92daf39af116ca2fb245acaeb2ae65f7.dir"),
        Arguments.of(
            new String[] {"dir_file1", "dir file content", "dir_file2", "dir file 2 content"},
            "38175ad60f0e58ac94e0e2b7688afd81.dir"),
        Arguments.of(new String[] {"1", "1\n", "2", "2\n"}, "f437247ec66d73ba66b0ade0246fcb49.dir"),
        Arguments.of(
            new String[] {"1", "1\n", "2", "2\n", "3", "3\n"},
            "12f4b7d54a32e58818e27fba28376fba.dir"));
  }

  @ParameterizedTest
  @MethodSource("dirs")
  void folderVectors(String[] nameContent, String expected) throws Exception {
    List<Manifest.Entry> entries = new ArrayList<>();
    for (int i = 0; i < nameContent.length; i += 2) {
      byte[] b = nameContent[i + 1].getBytes(StandardCharsets.UTF_8);
      entries.add(new Manifest.Entry(nameContent[i], Hashing.md5(b), b.length));
    }
    // reversed input order: the manifest sorts
    java.util.Collections.reverse(entries);
    assertThat(Manifest.of(entries).oid()).isEqualTo(expected);
  }

  @Test
  void entriesOnlyVector() {
    Manifest m =
        Manifest.of(
            List.of(
                new Manifest.Entry("index.jpeg", "402e97968614f583ece3b35555971f64", -1),
                new Manifest.Entry("cat.jpeg", "de7371b0119f4f75f9de703c7c3bac16", -1)));
    assertThat(m.oid()).isEqualTo("6fdb5336fce0dbfd669f83065f107551.dir");
  }

  @Test
  void exactManifestBytes() {
    Manifest m =
        Manifest.of(
            List.of(
                new Manifest.Entry("2", "c81e728d9d4c2f636f067f89cc14862c", 1),
                new Manifest.Entry("1", "c4ca4238a0b923820dcc509a6f75849b", 1)));
    assertThat(new String(m.serialize(), StandardCharsets.UTF_8))
        .isEqualTo(
            "[{\"md5\": \"c4ca4238a0b923820dcc509a6f75849b\", \"relpath\": \"1\"},"
                + " {\"md5\": \"c81e728d9d4c2f636f067f89cc14862c\", \"relpath\": \"2\"}]");
  }

  @Test
  void astralNamesSortByCodePointAndEscapeAsSurrogates() {
    String h = "c4ca4238a0b923820dcc509a6f75849b";
    Manifest m =
        Manifest.of(
            List.of(
                new Manifest.Entry("sub/\uD83D\uDE00.bin", h, 1),
                new Manifest.Entry("sub/\uFF21", h, 1)));
    assertThat(m.entries().get(0).relpath()).isEqualTo("sub/\uFF21");
    String json = new String(m.serialize(), StandardCharsets.US_ASCII);
    assertThat(json).contains("\"sub/\\uff21\"}, {").contains("\"sub/\\ud83d\\ude00.bin\"");
    assertThat(json.indexOf("uff21")).isLessThan(json.indexOf("ud83d"));
  }

  @Test
  void pythonEscapes() {
    StringBuilder sb = new StringBuilder();
    dev.mlops.spi.PythonText.appendJsonString(sb, "a\"b\\c\nd\re\tf\bg\fh\u0001i/j\u007fé");
    assertThat(sb.toString())
        .isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i/j\\u007f\\u00e9\"");
  }

  @Test
  void manifestRoundTrips() throws Exception {
    Manifest m =
        Manifest.of(
            List.of(
                new Manifest.Entry("a/b", "c4ca4238a0b923820dcc509a6f75849b", 1),
                new Manifest.Entry("\u00e9", "c81e728d9d4c2f636f067f89cc14862c", 1)));
    Manifest back = Manifest.parse(m.serialize());
    assertThat(back.oid()).isEqualTo(m.oid());
    assertThat(back.entries()).extracting(Manifest.Entry::relpath).containsExactly("a/b", "\u00e9");
  }
}
