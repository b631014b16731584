package dev.keyhole.spi;

import java.util.List;

/**
 * Mints a fresh, short-lived credential for one task (for example STS {@code AssumeRole} with a
 * session policy) and revokes it, or lets it expire, when the task ends.
 *
 * <p>A grant backed by an issuer exposes one handle per {@linkplain #parts() part}: grant {@code aws}
 * with parts {@code access_key_id}, {@code secret_access_key}, {@code session_token} gives the
 * handles {@code aws_access_key_id}, {@code aws_secret_access_key} and {@code aws_session_token}.
 * The lease is issued on first use of any of them and shared by all of them within the task.
 */
public interface CredentialIssuer extends AutoCloseable {
  /** A unique id, e.g. {@code aws-sts}. */
  String id();

  /** The names of the values a lease holds, in a stable order; each a valid handle-name suffix. */
  List<String> parts();

  /**
   * Checks a grant's issuer parameters without any I/O, so that a bad policy fails when it is
   * built. The default accepts anything.
   */
  default void validate(IssueRequest request) {}

  /** Issues a credential for the task. The lease's values are owned by Keyhole. */
  CredentialLease issue(IssueRequest request);

  /**
   * Ends the lease early where the backing service allows it. Called once when the owning task
   * closes; the lease's values are destroyed afterwards either way. Must not throw for a lease that
   * already expired.
   */
  void revoke(CredentialLease lease);

  /** Whether {@link #revoke} really ends the credential, or it only expires at its expiry time. */
  default boolean revocable() {
    return false;
  }

  @Override
  default void close() {}
}
