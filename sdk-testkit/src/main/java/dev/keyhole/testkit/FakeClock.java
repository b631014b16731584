package dev.keyhole.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that only moves when told to. Thread-safe. Pass it to {@code Keyhole.builder().clock()}. */
public final class FakeClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock at 2030-01-01T00:00:00Z. */
  public static FakeClock create() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  public static FakeClock at(Instant start) {
    return new FakeClock(new AtomicReference<>(start), ZoneOffset.UTC);
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
    return new FakeClock(now, z);
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + "]";
  }
}
