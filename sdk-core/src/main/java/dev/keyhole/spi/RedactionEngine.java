package dev.keyhole.spi;

import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;

/**
 * A {@link Redactor} that live values are registered with. Keyhole registers every value a task
 * resolves and unregisters it when the task closes; the engine keeps matching an unregistered value
 * for a short grace period, because text holding it may still be in flight or in history.
 *
 * <p>Security: the engine necessarily holds the values (and their encodings) it matches; it must
 * not expose them through any method, {@code toString} or exception.
 */
public interface RedactionEngine extends Redactor {
  /**
   * Registers {@code value} so that it, in every encoding the engine knows, is replaced by
   * {@code handle}'s token. The engine copies what it needs; the caller keeps ownership of
   * {@code value}.
   *
   * @throws dev.keyhole.KeyholeException if the value is too short or too low in entropy to match
   *     safely (the message never contains the value)
   */
  Registration register(SecretValue value, SecretHandle handle);

  /** One registration; unregistering starts the grace period. */
  interface Registration {
    /** Idempotent. */
    void unregister();
  }
}
