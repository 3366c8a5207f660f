package dev.mlops.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.InvalidInputException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final ZonedDateTime T =
      ZonedDateTime.of(2026, 11, 26, 12, 34, 56, 0, ZoneOffset.UTC);

  @Test
  void dailyAtThree() {
    Schedule s = Schedule.cron("0 3 * * *", ZoneOffset.UTC);
    assertThat(s.next(T)).isEqualTo(ZonedDateTime.of(2026, 11, 27, 3, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void stepsRangesListsNames() {
    assertThat(Schedule.cron("*/15 * * * *", ZoneOffset.UTC).next(T).getMinute()).isEqualTo(45);
    assertThat(Schedule.cron("0 9-17 * * MON-FRI", ZoneOffset.UTC).next(T))
        .isEqualTo(ZonedDateTime.of(2026, 11, 26, 13, 0, 0, 0, ZoneOffset.UTC));
    // 2026-11-28 is a Saturday
    assertThat(Schedule.cron("30 8 * * sat,sun", ZoneOffset.UTC).next(T))
        .isEqualTo(ZonedDateTime.of(2026, 11, 28, 8, 30, 0, 0, ZoneOffset.UTC));
    assertThat(Schedule.cron("0 0 1 JAN *", ZoneOffset.UTC).next(T))
        .isEqualTo(ZonedDateTime.of(2027, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    assertThat(Schedule.cron("@hourly", ZoneOffset.UTC).next(T).getHour()).isEqualTo(13);
    // both day fields restricted: either matches (the 1st, or a Sunday)
    assertThat(Schedule.cron("0 0 1 * 0", ZoneOffset.UTC).next(T))
        .isEqualTo(ZonedDateTime.of(2026, 11, 29, 0, 0, 0, 0, ZoneOffset.UTC));
  }

  @Test
  void everyAddsTheInterval() {
    assertThat(Schedule.every(Duration.ofMinutes(5)).next(T)).isEqualTo(T.plusMinutes(5));
    assertThatThrownBy(() -> Schedule.every(Duration.ZERO))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void badExpressionsAreRejected() {
    for (String bad :
        new String[] {"", "* * *", "60 * * * *", "* 24 * * *", "0 0 31 2 *x", "a b c d e"}) {
      assertThatThrownBy(() -> Schedule.cron(bad, ZoneOffset.UTC))
          .as(bad)
          .isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> Schedule.cron("0 0 30 2 *", ZoneOffset.UTC).next(T))
        .isInstanceOf(InvalidInputException.class);
  }
}
