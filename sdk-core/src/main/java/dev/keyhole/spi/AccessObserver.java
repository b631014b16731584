package dev.keyhole.spi;

/** Told each time a {@link dev.keyhole.SecretValue}'s plaintext is read. Never sees the value. */
@FunctionalInterface
public interface AccessObserver {
  /**
   * Called before the plaintext is handed out.
   *
   * @param how which accessor: {@code chars}, {@code string} or {@code bytes}
   */
  void revealed(String how);
}
