package dev.keyhole.testkit;

import dev.keyhole.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that only moves when told to. Thread-safe. Pass it to {@code Keyhole.builder().clock()},
 * and its {@link #sleeper()} to {@code Keyhole.builder().sleeper()} so that retries "wait" by moving
 * this clock, instantly.
 */
public final class FakeClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;
  private final List<Duration> sleeps;

  private FakeClock(AtomicReference<Instant> now, ZoneId zone, List<Duration> sleeps) {
    this.now = now;
    this.zone = zone;
    this.sleeps = sleeps;
  }

  /** A clock at 2030-01-01T00:00:00Z. */
  public static FakeClock create() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  public static FakeClock at(Instant start) {
    return new FakeClock(new AtomicReference<>(start), ZoneOffset.UTC, new CopyOnWriteArrayList<>());
  }

  /** Moves the clock forward. */
  public FakeClock advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a FakeClock only moves forward; got " + d);
    }
    now.updateAndGet(i -> i.plus(d));
    return this;
  }

  public FakeClock set(Instant instant) {
    now.set(instant);
    return this;
  }

  /** A sleeper that records each wait and advances this clock by it, without waiting. */
  public Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      advance(d);
    };
  }

  /** Every wait asked of {@link #sleeper()}, in order. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId z) {
    return new FakeClock(now, z, sleeps);
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + "]";
  }
}
