package dev.keyhole;

import java.time.Duration;

/**
 * How Keyhole waits between retries of a provider or issuer call. The default sleeps the calling
 * thread; tests pass one that advances a fake clock instead (the testkit's {@code
 * FakeClock.sleeper()}), so retry timing is checked without waiting.
 */
@FunctionalInterface
public interface Sleeper {
  /** Waits for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(long)}. */
  static Sleeper system() {
    return d -> Thread.sleep(d.toMillis());
  }
}
