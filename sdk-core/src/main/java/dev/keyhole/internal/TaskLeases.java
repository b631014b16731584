package dev.keyhole.internal;

import dev.keyhole.Grant;
import dev.keyhole.KeyholeException;
import dev.keyhole.SecretValue;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.CredentialLease;
import dev.keyhole.spi.IssueRequest;
import dev.keyhole.spi.RedactionEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The credentials one task's issuer grants hold: one lease per grant, issued on first use,
 * renewed when less than {@link #RENEW_BEFORE} of it is left (a task may outlive the longest
 * credential an issuer can mint, e.g. an STS role's maximum session), and revoked (or left to
 * expire) and wiped when retired or when the task ends.
 */
final class TaskLeases {
  /** A lease with less than this left is renewed on its next use. */
  static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

  /** What the task scope does for its leases, under its own monitor. */
  interface Owner {
    /**
     * Publishes a new lease's parts as the task's values of {@code grant}'s handles and registers
     * them with the redactor; throws (after undoing) when the task is no longer open.
     */
    List<RedactionEngine.Registration> publish(Grant grant, CredentialLease lease);

    /** Drops the task's values of {@code grant}'s handles (the lease owns and wipes them). */
    void forget(Grant grant);
  }

  private final Broker broker;
  private final String taskId;
  private final @Nullable String agentId;
  private final Owner owner;
  private final Map<String, CredentialLease> leases = new HashMap<>();
  private final Map<String, List<RedactionEngine.Registration>> registrations = new HashMap<>();
  private final Map<String, String> issuerOf = new HashMap<>();

  TaskLeases(Broker broker, String taskId, @Nullable String agentId, Owner owner) {
    this.broker = broker;
    this.taskId = taskId;
    this.agentId = agentId;
    this.owner = owner;
  }

  /** The current lease's value of {@code part} for handle {@code h} of issuer grant {@code g}. */
  SecretValue value(Grant g, String part, Instant openedAt, Instant expiresAt) {
    CredentialLease lease;
    synchronized (leases) {
      lease = leases.get(g.name());
      if (lease != null && !broker.clock().instant().plus(RENEW_BEFORE).isBefore(lease.expiresAt())) {
        retire(g, lease, "renewed");
        lease = null;
      }
      if (lease == null) {
        lease = issue(g, openedAt, expiresAt);
      }
    }
    SecretValue v = lease.values().get(part);
    if (v == null) {
      throw new KeyholeException("Credential issuer '" + g.issuer().orElse("?") + "' returned no '"
          + part + "' part for grant '" + g.name() + "'");
    }
    return v;
  }

  private CredentialLease issue(Grant g, Instant openedAt, Instant expiresAt) {
    CredentialIssuer issuer = broker.issuer(g.issuer().orElseThrow());
    Instant now = broker.clock().instant();
    Duration life = Duration.between(now, expiresAt);
    if (g.ttl().isPresent()) {
      Duration grantLeft = Duration.between(now, openedAt.plus(g.ttl().get()));
      life = grantLeft.compareTo(life) < 0 ? grantLeft : life;
    }
    IssueRequest req = new IssueRequest(taskId, agentId, g.name(), life, g.issuerParameters());
    long t0 = System.nanoTime();
    Audit a = broker.audit();
    CredentialLease lease;
    try {
      lease = broker.caller(issuer.id()).call("grant '" + g.name() + "'", () -> issuer.issue(req));
    } catch (KeyholeException e) {
      a.record(a.event(AuditEventType.CREDENTIAL_ISSUED).taskId(taskId).agentId(agentId)
          .handle(g.name()).provider(issuer.id()).outcome(Broker.outcomeOf(e))
          .reason(e.getClass().getSimpleName()).latency(Duration.ofNanos(System.nanoTime() - t0)));
      throw e;
    }
    List<RedactionEngine.Registration> regs;
    try {
      regs = owner.publish(g, lease);
    } catch (RuntimeException e) {
      safeRevoke(issuer, lease);
      throw e;
    }
    registrations.put(g.name(), regs);
    leases.put(g.name(), lease);
    issuerOf.put(g.name(), issuer.id());
    var ev = a.event(AuditEventType.CREDENTIAL_ISSUED).taskId(taskId).agentId(agentId)
        .handle(g.name()).provider(issuer.id()).outcome("ok")
        .latency(Duration.ofNanos(System.nanoTime() - t0))
        .attribute("leaseId", lease.leaseId()).attribute("expiresAt", lease.expiresAt().toString());
    lease.attributes().forEach(ev::attribute);
    a.record(ev);
    return lease;
  }

  /** Ends one lease of a still-open task (renewal). The caller holds the lease map's monitor. */
  private void retire(Grant g, CredentialLease lease, String why) {
    leases.remove(g.name());
    List<RedactionEngine.Registration> regs = registrations.remove(g.name());
    owner.forget(g);
    CredentialIssuer issuer = broker.issuer(g.issuer().orElseThrow());
    boolean revoked = issuer != null && safeRevoke(issuer, lease);
    if (regs != null) {
      regs.forEach(RedactionEngine.Registration::unregister);
    }
    auditRevoked(g.name(), issuer, revoked, lease, why);
  }

  /** Revokes (or leaves to expire) and wipes every lease; the task has ended. */
  void endAll() {
    Map<String, CredentialLease> toRevoke;
    synchronized (leases) {
      toRevoke = new LinkedHashMap<>(leases);
      leases.clear();
      registrations.clear();
    }
    toRevoke.forEach((grant, lease) -> {
      CredentialIssuer issuer = broker.issuer(issuerOf.getOrDefault(grant, ""));
      boolean revoked = issuer != null && safeRevoke(issuer, lease);
      auditRevoked(grant, issuer, revoked, lease, null);
    });
  }

  private void auditRevoked(String grant, @Nullable CredentialIssuer issuer, boolean revoked,
      CredentialLease lease, @Nullable String why) {
    Audit a = broker.audit();
    a.record(a.event(AuditEventType.CREDENTIAL_REVOKED).taskId(taskId).agentId(agentId)
        .handle(grant).provider(issuer == null ? null : issuer.id())
        .outcome(revoked && issuer.revocable() ? "revoked" : "left_to_expire").reason(why)
        .attribute("leaseId", lease.leaseId()).attribute("expiresAt", lease.expiresAt().toString()));
  }

  private static boolean safeRevoke(CredentialIssuer issuer, CredentialLease lease) {
    try {
      issuer.revoke(lease);
      return true;
    } catch (RuntimeException e) {
      return false;
    } finally {
      lease.destroy();
    }
  }
}
