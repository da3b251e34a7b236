package dev.claudemesh.core.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reconnect delays grow exponentially from the minimum, are capped, jittered, and reset. */
class BackoffTest {
  private static final Duration MIN = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);

  private static List<Long> delays(Backoff backoff, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(backoff.next().toMillis());
    }
    return out;
  }

  @Test
  void theWindowDoublesUntilTheCap() {
    Backoff backoff = new Backoff(MIN, MAX, () -> 0.0);
    List<Long> ceilings = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      ceilings.add(backoff.ceiling(n));
    }
    assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L), ceilings);
    assertEquals(30000L, backoff.ceiling(Integer.MAX_VALUE));
  }

  @Test
  void highestDrawsFollowTheWindowAndNeverPassTheCap() {
    Backoff backoff = new Backoff(MIN, MAX, () -> 0.999999);
    List<Long> delays = delays(backoff, 9);
    // the first window is [min, min]; later ones end just below their ceiling
    assertEquals(List.of(1000L, 1999L, 3999L, 7999L, 15999L, 29999L, 29999L, 29999L, 29999L), delays);
  }

  @Test
  void lowestDrawIsTheMinimumAtEveryStep() {
    assertEquals(List.of(1000L, 1000L, 1000L, 1000L, 1000L, 1000L, 1000L),
        delays(new Backoff(MIN, MAX, () -> 0.0), 7));
  }

  @Test
  void jitteredDelaysStayInsideTheirWindow() {
    Random random = new Random(42);
    Backoff backoff = new Backoff(MIN, MAX, random::nextDouble);
    for (int n = 0; n < 50; n++) {
      long ceiling = backoff.ceiling(n);
      long delay = backoff.next().toMillis();
      assertTrue(delay >= 1000 && delay <= ceiling, "attempt " + n + ": " + delay + " outside [1000, " + ceiling + "]");
    }
  }

  @Test
  void resetStartsOverFromTheMinimum() {
    Backoff backoff = new Backoff(MIN, MAX, () -> 0.999999);
    delays(backoff, 6);
    backoff.reset();
    assertEquals(0, backoff.attempt());
    assertEquals(List.of(1000L, 1999L), delays(backoff, 2));
  }

  @Test
  void outOfRangeRandomValuesAreClamped() {
    assertEquals(1000L, new Backoff(MIN, MAX, () -> -5.0).next().toMillis());
    Backoff high = new Backoff(MIN, MAX, () -> 7.0);
    assertTrue(high.next().toMillis() <= 1000L);
    assertTrue(high.next().toMillis() <= 2000L);
  }
}
