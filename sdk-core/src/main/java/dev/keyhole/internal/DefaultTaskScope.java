package dev.keyhole.internal;

import dev.keyhole.ApprovalDecision;
import dev.keyhole.Grant;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.CredentialLease;
import dev.keyhole.spi.IssueRequest;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.ResolvedSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** One open task. All state changes that touch values happen under {@code this}'s monitor. */
public final class DefaultTaskScope implements TaskScope {
  private enum State { OPEN, CLOSED, EXPIRED }

  /** A lease with less than this left is renewed on its next use. */
  static final Duration RENEW_BEFORE = TaskLeases.RENEW_BEFORE;

  /** Where a handle's value comes from. */
  private record Binding(Grant grant, @Nullable String issuerPart) {}

  private final Broker broker;
  private final String taskId;
  private final @Nullable String agentId;
  private final Instant openedAt;
  private final Instant expiresAt;
  private final Map<SecretHandle, Binding> bindings = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> uses = new ConcurrentHashMap<>();
  private final Approvals approvals;
  // Read lock-free on the hot path; written only under this scope's monitor.
  private final Map<SecretHandle, SecretValue> values = new ConcurrentHashMap<>();
  private final Map<SecretHandle, String> fingerprints = new ConcurrentHashMap<>();
  private final TaskLeases leases;
  private final List<RedactionEngine.Registration> registrations = new ArrayList<>();
  private volatile State state = State.OPEN;
  private final ToolGuard defaultGuard;
  private final List<Runnable> closeHooks = new ArrayList<>();

  DefaultTaskScope(Broker broker, TaskOptions options, Map<String, Grant> grants, Instant openedAt,
      Duration ttl) {
    this.broker = broker;
    this.taskId = options.taskId();
    this.agentId = options.agentId().orElse(null);
    this.openedAt = openedAt;
    this.expiresAt = openedAt.plus(ttl);
    this.approvals = new Approvals(broker, taskId, agentId);
    this.leases = new TaskLeases(broker, taskId, agentId, new LeaseOwner());
    for (Grant g : grants.values()) {
      List<String> parts = g.issuer().map(broker::issuerParts).orElse(List.of());
      List<SecretHandle> hs = g.handlesFor(parts);
      for (int i = 0; i < hs.size(); i++) {
        Binding b = new Binding(g, g.issuer().isPresent() ? parts.get(i) : null);
        if (bindings.putIfAbsent(hs.get(i), b) != null) {
          throw new dev.keyhole.ConfigurationException("Task '" + taskId + "' would expose handle "
              + hs.get(i) + " from two grants; rename one of the grants");
        }
      }
    }
    this.defaultGuard = ToolGuard.of(this);
  }

  void announce() {
    Audit a = broker.audit();
    a.record(a.event(AuditEventType.TASK_OPENED).taskId(taskId).agentId(agentId)
        .attribute("expiresAt", expiresAt.toString())
        .attribute("handles", Integer.toString(bindings.size())));
    bindings.forEach((h, b) -> a.record(a.event(AuditEventType.HANDLE_GRANTED).taskId(taskId)
        .agentId(agentId).handle(h.name())
        .reference(b.grant.ref().map(SecretRef::toString).orElse(null))
        .provider(b.grant.issuer().orElse(null))
        .attribute("tools", String.join(",", b.grant.tools()))));
  }

  @Override
  public String taskId() {
    return taskId;
  }

  @Override
  public Optional<String> agentId() {
    return Optional.ofNullable(agentId);
  }

  @Override
  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public boolean isOpen() {
    if (state != State.OPEN) {
      return false;
    }
    if (!broker.clock().instant().isBefore(expiresAt)) {
      expire();
      return false;
    }
    return true;
  }

  @Override
  public Set<SecretHandle> handles() {
    return Collections.unmodifiableSet(bindings.keySet());
  }

  @Override
  public SecretHandle handle(String name) {
    SecretHandle h = SecretHandle.of(name);
    if (!bindings.containsKey(h)) {
      throw unknown(h);
    }
    return h;
  }

  @Override
  public Optional<Grant> grantFor(SecretHandle handle) {
    Binding b = bindings.get(handle);
    return b == null ? Optional.empty() : Optional.of(b.grant);
  }

  @Override
  public Set<SecretHandle> handlesFor(String toolName) {
    Set<SecretHandle> out = new LinkedHashSet<>();
    bindings.forEach((h, b) -> {
      if (b.grant.allowsTool(toolName)) {
        out.add(h);
      }
    });
    return out;
  }

  @Override
  public Redactor redactor() {
    return broker.redactor();
  }

  @Override
  public ToolGuard toolGuard() {
    return defaultGuard;
  }

  Audit audit() {
    return broker.audit();
  }

  @Override
  public void audit(AuditEventType type, java.util.function.Consumer<dev.keyhole.audit.AuditEvent.Builder> fill) {
    Audit a = broker.audit();
    if (a.enabled()) {
      dev.keyhole.audit.AuditEvent.Builder b = a.event(type).taskId(taskId).agentId(agentId);
      fill.accept(b);
      a.record(b);
    }
  }

  @Override
  public SecretValue resolve(SecretHandle handle, Use use) {
    // The single-handle path avoids the batch bookkeeping: it is the hot path of every tool call.
    Instant now = ensureOpen(use); // one clock read serves the task TTL and the grant TTL
    check(handle, use, now);
    approve(handle, use);
    countUse(handle, bindings.get(handle).grant, use);
    return handOut(handle, use);
  }

  /** Counts one use of {@code g}; over its {@code maxUses}, takes the use back and denies. */
  private void countUse(SecretHandle h, Grant g, Use use) {
    AtomicInteger counter = uses.get(g.name());
    if (counter == null) {
      counter = uses.computeIfAbsent(g.name(), k -> new AtomicInteger());
    }
    int n = counter.incrementAndGet();
    if (g.maxUses().isPresent() && n > g.maxUses().getAsInt()) {
      counter.decrementAndGet();
      throw deny(h, use, Reason.MAX_USES_EXCEEDED, "Handle " + h + " has been used "
          + g.maxUses().getAsInt() + " time(s), the maximum its grant allows in task '"
          + taskId + "'; raise 'maxUses' in the policy or open a new task");
    }
  }

  private SecretValue handOut(SecretHandle h, Use use) {
    SecretValue master = valueOf(h);
    Audit a = broker.audit();
    SecretValue copy;
    if (a.enabled()) {
      String fp = fingerprintOf(h, master);
      copy = SecretValue.observedView(master, how -> a.record(a.event(AuditEventType.VALUE_REVEALED)
          .taskId(taskId).agentId(agentId).handle(h.name()).tool(use.toolName()).fingerprint(fp)
          .attribute("as", how)));
      a.record(a.event(AuditEventType.USE_ALLOWED).taskId(taskId).agentId(agentId)
          .handle(h.name()).tool(use.toolName()).destination(dest(use)).outcome("ok")
          .fingerprint(fp));
    } else {
      copy = SecretValue.observedView(master, null);
    }
    return copy;
  }

  private String fingerprintOf(SecretHandle h, SecretValue master) {
    String fp = fingerprints.get(h);
    if (fp == null) {
      fp = broker.fingerprint(master);
      fingerprints.put(h, fp);
    }
    return fp;
  }

  @Override
  public Map<SecretHandle, SecretValue> resolveAll(Collection<SecretHandle> handles, Use use) {
    Instant now = ensureOpen(use);
    List<SecretHandle> distinct = new ArrayList<>(new LinkedHashSet<>(handles));
    // 1. Policy for every handle before anything is counted or fetched.
    for (SecretHandle h : distinct) {
      check(h, use, now);
    }
    for (SecretHandle h : distinct) {
      approve(h, use);
    }
    // 2. Count uses (all or nothing).
    List<String> counted = new ArrayList<>();
    try {
      for (SecretHandle h : distinct) {
        Grant g = bindings.get(h).grant;
        if (counted.contains(g.name())) {
          continue;
        }
        countUse(h, g, use);
        counted.add(g.name());
      }
    } catch (PolicyViolationException e) {
      for (String name : counted) {
        uses.get(name).decrementAndGet();
      }
      throw e;
    }
    // 3. Fetch (batched where possible), then hand out observed copies.
    List<SecretRef> refs = new ArrayList<>();
    synchronized (this) {
      for (SecretHandle h : distinct) {
        Binding b = bindings.get(h);
        if (!values.containsKey(h) && b.grant.ref().isPresent()) {
          refs.add(b.grant.ref().get());
        }
      }
    }
    if (refs.size() > 1) {
      broker.prefetch(refs, this);
    }
    Map<SecretHandle, SecretValue> out = new LinkedHashMap<>();
    try {
      for (SecretHandle h : distinct) {
        out.put(h, handOut(h, use));
      }
      return out;
    } catch (RuntimeException e) {
      out.values().forEach(SecretValue::destroy);
      throw e;
    }
  }

  /** Denies a use of a closed or expired task; returns the time it was checked at. */
  private Instant ensureOpen(Use use) {
    Instant now = broker.clock().instant();
    if (state == State.OPEN && !now.isBefore(expiresAt)) {
      expire();
    }
    State s = state;
    if (s != State.OPEN) {
      Audit a = broker.audit();
      a.record(a.event(AuditEventType.USE_DENIED).taskId(taskId).tool(use.toolName())
          .outcome("denied").reason(s == State.EXPIRED ? "TASK_EXPIRED" : "TASK_CLOSED"));
      throw new TaskClosedException("Task '" + taskId + "' is "
          + (s == State.EXPIRED ? "expired (its TTL ran out at " + expiresAt + ")" : "closed")
          + "; its handles are dead. Open a new task to use secrets again.", s == State.EXPIRED);
    }
    return now;
  }

  private void check(SecretHandle h, Use use, Instant now) {
    Binding b = bindings.get(h);
    if (b == null) {
      throw denyUnknown(h, use);
    }
    PolicyCheck.Denial d = PolicyCheck.check(b.grant, h, use, now, openedAt, taskId);
    if (d != null) {
      throw deny(h, use, d.reason(), d.message());
    }
  }

  private void approve(SecretHandle h, Use use) {
    Grant g = bindings.get(h).grant;
    if (!g.approvalRequired()) {
      return;
    }
    ApprovalDecision d = approvals.decide(g, h, use);
    if (!d.approved()) {
      throw deny(h, use, Reason.APPROVAL_DENIED, "Use of handle " + h + " by tool '"
          + use.toolName() + "'" + (use.destination() == null ? "" : " towards " + use.destination())
          + " in task '" + taskId + "' was not approved: " + broker.redactor().redact(d.reason()));
    }
  }

  private SecretValue valueOf(SecretHandle h) {
    Binding b = bindings.get(h);
    if (b.issuerPart != null) {
      // checks the lease's expiry on every use
      return leases.value(b.grant, b.issuerPart, openedAt, expiresAt);
    }
    SecretValue v = values.get(h);
    if (v != null) {
      return v;
    }
    ResolvedSecret r = broker.fetch(b.grant.ref().orElseThrow(), this, h.name());
    return keep(h, r.value());
  }

  private SecretValue keep(SecretHandle h, SecretValue fetched) {
    synchronized (this) {
      if (state != State.OPEN) {
        fetched.destroy();
        throw new TaskClosedException("Task '" + taskId + "' closed while resolving " + h, false);
      }
      SecretValue existing = values.get(h);
      if (existing != null) {
        fetched.destroy();
        return existing;
      }
      values.put(h, fetched);
      try {
        registrations.add(broker.redactionEngine().register(fetched, h));
      } catch (KeyholeException e) {
        values.remove(h);
        fetched.destroy();
        throw e;
      }
      return fetched;
    }
  }

  /** Publishes lease parts as this task's values, under this scope's monitor. */
  private final class LeaseOwner implements TaskLeases.Owner {
    @Override
    public List<RedactionEngine.Registration> publish(Grant g, CredentialLease lease) {
      List<RedactionEngine.Registration> regs = new ArrayList<>();
      synchronized (DefaultTaskScope.this) {
        if (state != State.OPEN) {
          throw new TaskClosedException("Task '" + taskId + "' closed while issuing grant '"
              + g.name() + "'", false);
        }
        try {
          for (Map.Entry<SecretHandle, Binding> e : bindings.entrySet()) {
            Binding bb = e.getValue();
            if (bb.grant.name().equals(g.name()) && bb.issuerPart != null) {
              SecretValue part = lease.values().get(bb.issuerPart);
              if (part != null) {
                values.put(e.getKey(), part);
                fingerprints.remove(e.getKey());
                regs.add(broker.redactionEngine().register(part, e.getKey()));
              }
            }
          }
        } catch (KeyholeException e) {
          regs.forEach(RedactionEngine.Registration::unregister);
          throw e;
        }
        registrations.addAll(regs);
      }
      return regs;
    }

    @Override
    public void forget(Grant g) {
      synchronized (DefaultTaskScope.this) {
        bindings.forEach((handle, bb) -> {
          if (bb.grant.name().equals(g.name())) {
            values.remove(handle);
            fingerprints.remove(handle);
          }
        });
      }
    }
  }

  private static @Nullable String dest(Use use) {
    return use.destination() == null ? null : use.destination().toString();
  }

  private PolicyViolationException unknown(SecretHandle h) {
    return new PolicyViolationException(Reason.UNKNOWN_HANDLE, "Handle " + h + " is not granted to"
        + " task '" + taskId + "' (it may be misspelled, forged, or belong to another task); this task"
        + " has " + bindings.keySet() + ". Grant it in the policy and open the task with it.");
  }

  private PolicyViolationException denyUnknown(SecretHandle h, Use use) {
    PolicyViolationException e = unknown(h);
    Audit a = broker.audit();
    a.record(a.event(AuditEventType.USE_DENIED).taskId(taskId).agentId(agentId).handle(h.name())
        .tool(use.toolName()).destination(dest(use)).outcome("denied")
        .reason(Reason.UNKNOWN_HANDLE.name()));
    return e;
  }

  private PolicyViolationException deny(SecretHandle h, Use use, Reason reason, String message) {
    Audit a = broker.audit();
    a.record(a.event(AuditEventType.USE_DENIED).taskId(taskId).agentId(agentId).handle(h.name())
        .tool(use.toolName()).destination(dest(use)).outcome("denied").reason(reason.name()));
    return new PolicyViolationException(reason, message);
  }

  @Override
  public void onClose(Runnable hook) {
    java.util.Objects.requireNonNull(hook, "hook");
    synchronized (this) {
      if (state == State.OPEN) {
        closeHooks.add(hook);
        return;
      }
    }
    runHook(hook);
  }

  private static void runHook(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      // Documented: a failing hook is skipped; the task still ends and the other hooks run.
    }
  }

  /** Called by the sweeper or lazily when the TTL has run out. */
  void expire() {
    end(State.EXPIRED);
  }

  @Override
  public void close() {
    end(State.CLOSED);
  }

  private void end(State to) {
    List<SecretValue> toWipe;
    List<RedactionEngine.Registration> toUnregister;
    List<Runnable> hooks;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      state = to;
      hooks = new ArrayList<>(closeHooks);
      closeHooks.clear();
    }
    // Handles are dead from here on; the values are still registered for the hooks' scans.
    hooks.forEach(DefaultTaskScope::runHook);
    synchronized (this) {
      toWipe = new ArrayList<>(values.values());
      values.clear();
      toUnregister = new ArrayList<>(registrations);
      registrations.clear();
    }
    Audit a = broker.audit();
    if (to == State.EXPIRED) {
      a.record(a.event(AuditEventType.TASK_EXPIRED).taskId(taskId).agentId(agentId));
    }
    leases.endAll();
    toWipe.forEach(SecretValue::destroy);
    toUnregister.forEach(RedactionEngine.Registration::unregister);
    broker.forget(this);
    a.record(a.event(AuditEventType.TASK_CLOSED).taskId(taskId).agentId(agentId)
        .outcome(to == State.EXPIRED ? "expired" : "closed")
        .attribute("uses", Integer.toString(uses.values().stream().mapToInt(AtomicInteger::get).sum())));
  }

  @Override
  public String toString() {
    return "TaskScope[" + taskId + ", " + state.name().toLowerCase(Locale.ROOT) + ", expiresAt="
        + expiresAt + ", handles=" + bindings.keySet() + "]";
  }
}
