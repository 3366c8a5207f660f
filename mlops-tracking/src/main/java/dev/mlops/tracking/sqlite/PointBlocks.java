package dev.mlops.tracking.sqlite;

import dev.mlops.StoreException;
import dev.mlops.spi.RunMetric;
import dev.mlops.tracking.Metric;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packed form of metric history (migration 4): the points of one (run, key) written in one
 * flush, as one BLOB of 24-byte big-endian records {@code (step, timestamp, value bits)}. A value's
 * bits are kept exactly (NaN canonical, -0.0 and the infinities as they are). History is read by
 * merging every block of the key, ordered by step, then timestamp, then value as the row table
 * ordered it (plain values, then NaN, then -0.0; plain values ascending), exact duplicates dropped.
 * Stateless; thread-safe.
 */
final class PointBlocks {
  static final int RECORD = 24;

  private PointBlocks() {}

  /** The points {@code from..to} of {@code points} as one block. */
  static byte[] encode(List<RunMetric> points, int[] order, int from, int to) {
    ByteBuffer buf = ByteBuffer.allocate((to - from) * RECORD);
    for (int i = from; i < to; i++) {
      RunMetric p = points.get(order[i]);
      buf.putLong(p.step()).putLong(p.timestamp()).putLong(Double.doubleToLongBits(p.value()));
    }
    return buf.array();
  }

  /** A growing list of points of one key: parallel arrays, sorted and de-duplicated on demand. */
  static final class History {
    private long[] steps = new long[16];
    private long[] timestamps = new long[16];
    private double[] values = new double[16];
    private int size;

    void add(long step, long timestamp, double value) {
      if (size == steps.length) {
        int n = size * 2;
        steps = Arrays.copyOf(steps, n);
        timestamps = Arrays.copyOf(timestamps, n);
        values = Arrays.copyOf(values, n);
      }
      steps[size] = step;
      timestamps[size] = timestamp;
      values[size] = value;
      size++;
    }

    void addBlock(byte[] block) {
      if (block.length % RECORD != 0) {
        throw new StoreException(
            "a metric history block of " + block.length + " bytes is damaged (not whole points)");
      }
      ByteBuffer buf = ByteBuffer.wrap(block);
      while (buf.hasRemaining()) {
        add(buf.getLong(), buf.getLong(), Double.longBitsToDouble(buf.getLong()));
      }
    }

    /** The points in history order without exact duplicates. */
    List<Metric> metrics(String key) {
      Integer[] idx = new Integer[size];
      for (int i = 0; i < size; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, this::compare);
      List<Metric> out = new ArrayList<>(size);
      int prev = -1;
      for (Integer i : idx) {
        if (prev < 0 || compare(prev, i) != 0) {
          out.add(new Metric(key, values[i], steps[i], timestamps[i]));
        }
        prev = i;
      }
      return out;
    }

    private int compare(int a, int b) {
      int c = Long.compare(steps[a], steps[b]);
      if (c == 0) {
        c = Long.compare(timestamps[a], timestamps[b]);
      }
      if (c == 0) {
        c = Integer.compare(rank(values[a]), rank(values[b]));
      }
      if (c == 0 && rank(values[a]) == 0) {
        c = Double.compare(values[a], values[b]);
      }
      return c;
    }

    /** 0 a plain value, 1 NaN, 2 negative zero: the row table's {@code kind} order. */
    private static int rank(double v) {
      if (Double.isNaN(v)) {
        return 1;
      }
      return v == 0.0 && Double.doubleToRawLongBits(v) != 0L ? 2 : 0;
    }
  }
}
