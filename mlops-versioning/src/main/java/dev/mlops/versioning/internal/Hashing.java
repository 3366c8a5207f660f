package dev.mlops.versioning.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MD5 hashing as DVC 3 ({@code md5}) and DVC 2 ({@code md5-dos2unix}) do it. */
public final class Hashing {
  /** DVC reads files in 1 MiB chunks; the dos2unix rule depends on that. */
  static final int CHUNK = 1 << 20;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ThreadLocal<ByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  private static final ThreadLocal<byte[]> COPY_BUFFERS =
      ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  private Hashing() {}

  /** A fresh MD5 digest. */
  public static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  /** Whether {@code s} is 32 lowercase hex digits. */
  public static boolean isMd5(String s) {
    if (s == null || s.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a DVC object id: an MD5, optionally suffixed {@code .dir}. */
  public static boolean isOid(String s) {
    return s != null && isMd5(s.endsWith(".dir") ? s.substring(0, s.length() - 4) : s);
  }

  /** Lowercase hex of bytes. */
  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** MD5 of bytes, lowercase hex. */
  public static String md5(byte[] data) {
    return hex(md5().digest(data));
  }

  /** DVC 3 hash of a file: MD5 of the raw bytes. Never reads the file whole into memory. */
  public static String md5(Path file) throws IOException {
    MessageDigest md = md5();
    ByteBuffer buf = BUFFERS.get();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        buf.flip();
        md.update(buf);
      }
    }
    return hex(md.digest());
  }

  /**
   * DVC 2 ({@code md5-dos2unix}) hash of a stream: when the first 512 bytes look like text, every
   * CRLF within each 1 MiB chunk becomes LF before hashing (the DVC 2 first-block rule).
   */
  public static String md5Dos2Unix(InputStream in) throws IOException {
    MessageDigest md = md5();
    byte[] chunk = new byte[CHUNK];
    Boolean text = null;
    while (true) {
      int n = in.readNBytes(chunk, 0, CHUNK);
      if (n <= 0) {
        break;
      }
      if (text == null) {
        text = isText(chunk, Math.min(n, 512));
      }
      if (text) {
        md.update(dos2unix(chunk, n));
      } else {
        md.update(chunk, 0, n);
      }
      if (n < CHUNK) {
        break;
      }
    }
    return hex(md.digest());
  }

  /** The first {@code n} bytes of a chunk with every CRLF replaced by LF. */
  static byte[] dos2unix(byte[] chunk, int n) {
    byte[] out = new byte[n];
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (chunk[i] == '\r' && i + 1 < n && chunk[i + 1] == '\n') {
        continue;
      }
      out[w++] = chunk[i];
    }
    return java.util.Arrays.copyOf(out, w);
  }

  /** DVC's {@code istextblock}: no NUL and at most 30% bytes outside printable ASCII/whitespace. */
  static boolean isText(byte[] block, int len) {
    if (len == 0) {
      return true;
    }
    int nontext = 0;
    for (int i = 0; i < len; i++) {
      int b = block[i] & 0xff;
      if (b == 0) {
        return false;
      }
      boolean textChar =
          (b >= 0x20 && b <= 0x7e) || b == '\n' || b == '\r' || b == '\t' || b == '\f' || b == '\b';
      if (!textChar) {
        nontext++;
      }
    }
    return (double) nontext / len <= 0.30;
  }

  /** This thread's direct buffer of {@link #CHUNK} bytes (not to be held across calls). */
  static ByteBuffer buffer() {
    return BUFFERS.get();
  }

  /** Copies {@code in} to a channel and returns the MD5 of what was copied. */
  public static String copyHashing(InputStream in, FileChannel out) throws IOException {
    MessageDigest md = md5();
    byte[] buf = COPY_BUFFERS.get();
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
      ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
    return hex(md.digest());
  }

  /** Copies {@code in} to {@code out} and returns the MD5 of what was copied. */
  public static String copyHashing(InputStream in, OutputStream out) throws IOException {
    MessageDigest md = md5();
    byte[] buf = COPY_BUFFERS.get();
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
      out.write(buf, 0, n);
    }
    return hex(md.digest());
  }
}
