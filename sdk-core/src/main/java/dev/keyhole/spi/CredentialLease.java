package dev.keyhole.spi;

import dev.keyhole.SecretValue;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A credential issued for one task: named values (the issuer's {@linkplain CredentialIssuer#parts()
 * parts}), a lease id the issuer can revoke by, and an expiry. {@link #destroy()} wipes every value.
 * {@code toString} prints the lease id and expiry only.
 */
public final class CredentialLease {
  private final String leaseId;
  private final Map<String, SecretValue> values;
  private final Instant expiresAt;
  private final Map<String, String> attributes;

  private CredentialLease(
      String leaseId, Map<String, SecretValue> values, Instant expiresAt, Map<String, String> attrs) {
    this.leaseId = Objects.requireNonNull(leaseId, "leaseId");
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    this.attributes = Map.copyOf(attrs);
  }

  /**
   * A lease.
   *
   * @param leaseId an id that is not secret (for STS: the assumed-role id or session name)
   * @param values part name to value; ownership passes to the lease
   * @param expiresAt when the credential stops working
   * @param attributes non-secret facts for audit (role ARN, session name)
   */
  public static CredentialLease of(
      String leaseId, Map<String, SecretValue> values, Instant expiresAt, Map<String, String> attributes) {
    return new CredentialLease(leaseId, values, expiresAt, attributes);
  }

  public String leaseId() {
    return leaseId;
  }

  /** The values by part name. */
  public Map<String, SecretValue> values() {
    return values;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** Non-secret attributes for audit. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Wipes every value. */
  public void destroy() {
    values.values().forEach(SecretValue::destroy);
  }

  @Override
  public String toString() {
    return "CredentialLease[" + leaseId + ", expiresAt=" + expiresAt + "]";
  }
}
