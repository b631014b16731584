package dev.keyhole;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One agent task's window of access. Opened with {@link Keyhole#openTask}; handles resolve only
 * through an open scope, for the tools, destinations and commands its grants allow.
 *
 * <p>Closing the scope (or its TTL running out, measured on Keyhole's {@link java.time.Clock}) makes
 * every handle of the task dead, revokes issued credentials (or leaves them to expire where the
 * backing service cannot revoke), destroys the task's cached values and writes the closing audit
 * event. {@link #close()} is idempotent and safe to call from any thread.
 *
 * <p>Security: a scope holds values only in its own cache; {@link #resolve} returns a view the
 * caller destroys after use (the {@link ToolGuard} does this for you) and that dies with the task,
 * so no value handed to a tool outlives the task.
 */
public interface TaskScope extends AutoCloseable {
  String taskId();

  Optional<String> agentId();

  /** When the task's TTL runs out. */
  Instant expiresAt();

  /** Whether the scope is still open (not closed, not expired). */
  boolean isOpen();

  /** Every handle this task may use (issuer grants contribute one handle per part). */
  Set<SecretHandle> handles();

  /**
   * The handle named {@code name}, for putting into prompts and tool descriptions.
   *
   * @throws PolicyViolationException if the task has no such handle
   */
  SecretHandle handle(String name);

  /** The grant behind a handle of this task. */
  Optional<Grant> grantFor(SecretHandle handle);

  /** The handles of this task that {@code toolName} may use (for tool schemas). */
  Set<SecretHandle> handlesFor(String toolName);

  /**
   * Checks policy for {@code use} and returns the handle's value for the caller: a view of the
   * task's own copy that the caller destroys after use, and that stops working when the task ends
   * (nothing handed out outlives the task). Counts as one use of the grant.
   *
   * @throws PolicyViolationException when policy denies the use
   * @throws TaskClosedException when the task is closed or expired
   * @throws KeyholeException when the provider fails
   */
  SecretValue resolve(SecretHandle handle, Use use);

  /**
   * Like {@link #resolve} for several handles of one call: policy is checked for all of them first,
   * and references that are not cached yet are fetched together where the provider has a batch API.
   */
  Map<SecretHandle, SecretValue> resolveAll(Collection<SecretHandle> handles, Use use);

  /** A tool guard bound to this task with default settings. */
  ToolGuard toolGuard();

  /** The redactor of the owning {@link Keyhole} (it knows every open task's values). */
  Redactor redactor();

  /**
   * Records an audit event on behalf of an integration — a denial it made itself (a handle in a
   * parameter that does not take handles), a redaction it did — stamped with this task's id, agent
   * id and Keyhole's clock. {@code fill} adds the rest (tool, handle, outcome, reason); it must never
   * add a value. Does nothing when Keyhole has no audit sink.
   */
  void audit(AuditEventType type, Consumer<AuditEvent.Builder> fill);

  /**
   * Runs {@code hook} once when the task ends (closed or expired), after its handles died and
   * before its values are wiped and unregistered from the redactor, so a hook can still recognise
   * them (a tool scanning its workspace for persisted values, killing what it started, deleting
   * per-task scratch space). Hooks run in registration order on the thread that ends the task; one
   * that throws is skipped and the others still run. On a task that has already ended, {@code hook}
   * runs at once, on the calling thread. For integrations; a hook must never log or keep a value.
   */
  void onClose(Runnable hook);

  /** Ends the task. Idempotent, thread-safe; never throws. */
  @Override
  void close();
}
