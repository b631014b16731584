package dev.keyhole.cli.migrate;

/**
 * Where {@code keyhole migrate} puts values: 1Password Connect, AWS Secrets Manager or a local file
 * outside the repository. Names references deterministically (no I/O), so a dry run can show them.
 *
 * <p>Security: implementations send values only to their store, never print or log them, and
 * build error messages from status codes, error codes and names only.
 */
interface SecretStore extends AutoCloseable {
  /** One line for the user, e.g. "1Password Connect at http://op:8080, vault 'Dev'". */
  String describe();

  /** The reference the file will hold for {@code key} of {@code item}. */
  String reference(String item, String key);

  /**
   * Stores every move of {@code plan} (creating or updating the item). On failure, the exception
   * lists the keys that were stored before it.
   */
  void store(FilePlan plan) throws StoreException;

  /** Releases clients and threads. */
  @Override
  void close();
}
