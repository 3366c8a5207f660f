package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * When a scheduled pipeline runs: every fixed interval, or on a 5-field cron expression ({@code
 * minute hour day-of-month month day-of-week}, with {@code *}, lists, ranges, steps, month and day
 * names, and {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly}, {@code @yearly}).
 * As in Vixie cron, when both day fields are restricted a day matching either one fires. Immutable
 * and thread-safe.
 */
public final class Schedule {
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final Duration interval;
  private final String expression;
  private final ZoneId zone;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private Schedule(
      Duration interval,
      String expression,
      ZoneId zone,
      BitSet[] fields,
      boolean domRestricted,
      boolean dowRestricted) {
    this.interval = interval;
    this.expression = expression;
    this.zone = zone;
    this.minutes = fields == null ? null : fields[0];
    this.hours = fields == null ? null : fields[1];
    this.daysOfMonth = fields == null ? null : fields[2];
    this.months = fields == null ? null : fields[3];
    this.daysOfWeek = fields == null ? null : fields[4];
    this.domRestricted = domRestricted;
    this.dowRestricted = dowRestricted;
  }

  /** Every {@code interval}, the first run one interval after scheduling. */
  public static Schedule every(Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new InvalidInputException("interval", interval, "a positive duration");
    }
    return new Schedule(interval, null, null, null, false, false);
  }

  /** A cron expression in the system time zone, e.g. {@code "0 3 * * *"} (03:00 every day). */
  public static Schedule cron(String expression) {
    return cron(expression, ZoneId.systemDefault());
  }

  /** A cron expression in the given time zone. */
  public static Schedule cron(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (expression == null || expression.isBlank()) {
      throw new InvalidInputException("cron", expression, "5 fields: minute hour dom month dow");
    }
    String e = macro(expression.trim());
    String[] parts = e.split("\\s+");
    if (parts.length != 5) {
      throw new InvalidInputException(
          "cron", expression, "5 fields: minute hour day-of-month month day-of-week");
    }
    BitSet[] f = new BitSet[5];
    f[0] = parseField(expression, parts[0], 0, 59, List.of(), "minute");
    f[1] = parseField(expression, parts[1], 0, 23, List.of(), "hour");
    f[2] = parseField(expression, parts[2], 1, 31, List.of(), "day-of-month");
    f[3] = parseField(expression, parts[3], 1, 12, MONTHS, "month");
    f[4] = parseField(expression, parts[4], 0, 7, DAYS, "day-of-week");
    if (f[4].get(7)) {
      f[4].set(0);
      f[4].clear(7);
    }
    return new Schedule(
        null, expression.trim(), zone, f, !parts[2].startsWith("*"), !parts[4].startsWith("*"));
  }

  private static String macro(String e) {
    switch (e.toLowerCase(Locale.ROOT)) {
      case "@hourly":
        return "0 * * * *";
      case "@daily":
      case "@midnight":
        return "0 0 * * *";
      case "@weekly":
        return "0 0 * * 0";
      case "@monthly":
        return "0 0 1 * *";
      case "@yearly":
      case "@annually":
        return "0 0 1 1 *";
      default:
        return e;
    }
  }

  private static BitSet parseField(
      String expression, String field, int min, int max, List<String> names, String what) {
    BitSet bits = new BitSet(max + 1);
    for (String item : field.split(",", -1)) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(expression, item.substring(slash + 1), names, what);
        if (step < 1) {
          throw new InvalidInputException("cron", expression, "a positive step in " + what);
        }
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = max == 7 ? 6 : max;
      } else if (range.contains("-")) {
        String[] ab = range.split("-", 2);
        lo = number(expression, ab[0], names, what);
        hi = number(expression, ab[1], names, what);
      } else {
        lo = number(expression, range, names, what);
        hi = slash >= 0 ? (max == 7 ? 6 : max) : lo;
      }
      if (lo < min || hi > max || lo > hi) {
        throw new InvalidInputException(
            "cron", expression, what + " values in " + min + "-" + max + " (got '" + item + "')");
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String expression, String s, List<String> names, String what) {
    int idx = names.indexOf(s.toUpperCase(Locale.ROOT));
    if (idx >= 0) {
      return names.size() == 12 ? idx + 1 : idx;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("cron", expression, "a number or name in " + what, e);
    }
  }

  /** The fixed interval, for an {@link #every} schedule. */
  public java.util.Optional<Duration> interval() {
    return java.util.Optional.ofNullable(interval);
  }

  /** The cron expression, for a {@link #cron} schedule. */
  public java.util.Optional<String> expression() {
    return java.util.Optional.ofNullable(expression);
  }

  /** The first time strictly after {@code after} when this schedule fires. */
  public ZonedDateTime next(ZonedDateTime after) {
    Objects.requireNonNull(after, "after");
    if (interval != null) {
      return after.plus(interval);
    }
    ZonedDateTime t =
        after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    throw new InvalidInputException(
        "cron", expression, "an expression that fires (e.g. not Feb 30)");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    DayOfWeek d = t.getDayOfWeek();
    boolean dow = daysOfWeek.get(d.getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  @Override
  public String toString() {
    return interval != null ? "every " + interval : "cron '" + expression + "' (" + zone + ")";
  }
}
