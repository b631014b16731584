package dev.keyhole.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RevocationHook} needs to cut one ended task's STS session short: the role, the
 * session, the task, when the task ended and when the session expires by itself — and the deny
 * policy to attach to the role.
 *
 * <p>The policy denies every action to sessions of the role that carry the task's {@code
 * keyhole-task-id} session tag (or, when task tags are off, whose {@code aws:userid} is this
 * session's assumed-role id) and whose {@code aws:TokenIssueTime} is not after the task's end, so a
 * later task that reuses the id is not affected. This is the deny-by-tag / {@code
 * aws:TokenIssueTime} pattern AWS documents for revoking role sessions; it takes effect when IAM has
 * propagated the change (usually seconds), not instantly.
 *
 * <p>Holds no secret: ids, names and times only.
 */
public final class SessionRevocation {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String roleArn;
  private final String sessionName;
  private final String assumedRoleId;
  private final String taskId;
  private final @Nullable String taskTagKey;
  private final Instant endedAt;
  private final Instant expiresAt;

  private SessionRevocation(String roleArn, String sessionName, String assumedRoleId, String taskId,
      @Nullable String taskTagKey, Instant endedAt, Instant expiresAt) {
    this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    this.sessionName = Objects.requireNonNull(sessionName, "sessionName");
    this.assumedRoleId = Objects.requireNonNull(assumedRoleId, "assumedRoleId");
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.taskTagKey = taskTagKey;
    this.endedAt = Objects.requireNonNull(endedAt, "endedAt");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * A revocation request.
   *
   * @param taskTagKey the session tag carrying the task id, or null when the session has none
   */
  public static SessionRevocation of(String roleArn, String sessionName, String assumedRoleId,
      String taskId, @Nullable String taskTagKey, Instant endedAt, Instant expiresAt) {
    return new SessionRevocation(roleArn, sessionName, assumedRoleId, taskId, taskTagKey, endedAt,
        expiresAt);
  }

  public String roleArn() {
    return roleArn;
  }

  /** The role's name (the last segment of its ARN), as IAM {@code PutRolePolicy} wants it. */
  public String roleName() {
    return roleArn.substring(roleArn.lastIndexOf('/') + 1);
  }

  public String sessionName() {
    return sessionName;
  }

  /** {@code AROA...:session-name}, the session's {@code aws:userid}. */
  public String assumedRoleId() {
    return assumedRoleId;
  }

  public String taskId() {
    return taskId;
  }

  /** The session tag that carries the task id, if the session was tagged. */
  public Optional<String> taskTagKey() {
    return Optional.ofNullable(taskTagKey);
  }

  /** When the task ended (the deny covers tokens issued at or before this instant). */
  public Instant endedAt() {
    return endedAt;
  }

  /** When the session expires by itself: the real bound, and when the deny can be removed. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** A stable inline-policy name for this session, e.g. {@code keyhole-revoke-1a2b3c4d5e6f7a8b}. */
  public String policyName() {
    return "keyhole-revoke-" + hash().substring(0, 16);
  }

  /** A statement id made of letters and digits only, as IAM requires. */
  public String statementId() {
    return "KeyholeRevoke" + hash().substring(0, 16);
  }

  /** The identity-based policy to attach to the role to deny this task's session. */
  public String denyPolicyDocument() {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ObjectNode st = doc.putArray("Statement").addObject()
        .put("Sid", statementId()).put("Effect", "Deny").put("Action", "*").put("Resource", "*");
    ObjectNode cond = st.putObject("Condition");
    if (taskTagKey != null) {
      cond.putObject("StringEquals").put("aws:PrincipalTag/" + taskTagKey, taskId);
    } else {
      cond.putObject("StringEquals").put("aws:userid", assumedRoleId);
    }
    cond.putObject("DateLessThanEquals").put("aws:TokenIssueTime", iso(endedAt));
    return doc.toString();
  }

  /**
   * The policy AWS's "revoke active sessions" uses: deny every session of the role issued before
   * {@code cutoff}, whichever task it belongs to. For emergencies.
   */
  public static String denySessionsIssuedBefore(Instant cutoff) {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    doc.putArray("Statement").addObject().put("Effect", "Deny").put("Action", "*")
        .put("Resource", "*").putObject("Condition").putObject("DateLessThan")
        .put("aws:TokenIssueTime", iso(cutoff));
    return doc.toString();
  }

  private static String iso(Instant t) {
    Instant whole = t.truncatedTo(ChronoUnit.SECONDS);
    return (whole.equals(t) ? whole : whole.plusSeconds(1)).toString();
  }

  private String hash() {
    return AssumeRoleSpec.sha256Hex(assumedRoleId + "\n" + taskId);
  }

  @Override
  public String toString() {
    return "SessionRevocation[" + roleArn + " " + sessionName + ", task=" + taskId + ", endedAt="
        + endedAt + ", expiresAt=" + expiresAt + "]";
  }
}
