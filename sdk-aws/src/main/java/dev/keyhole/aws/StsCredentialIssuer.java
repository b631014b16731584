package dev.keyhole.aws;

import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.CredentialLease;
import dev.keyhole.spi.IssueRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Mints task-scoped AWS credentials at runtime with STS {@code AssumeRole}: one session per task
 * and grant, narrowed by a session policy to what the task needs, tagged with the task, and
 * expiring soon after the task.
 *
 * <p>A grant backed by this issuer (id {@value #DEFAULT_ID}) exposes three handles: for grant
 * {@code aws}, {@code secret://aws_access_key_id}, {@code secret://aws_secret_access_key} and {@code
 * secret://aws_session_token}, e.g. for a process tool's {@code AWS_ACCESS_KEY_ID}, {@code
 * AWS_SECRET_ACCESS_KEY} and {@code AWS_SESSION_TOKEN}. Inside a guarded tool call, {@link
 * TaskCredentialsProvider} hands the same lease to AWS SDK clients.
 *
 * <h2>Grant parameters</h2>
 *
 * <table>
 *   <caption>issuer parameters of an aws-sts grant</caption>
 *   <tr><th>parameter</th><th>meaning</th></tr>
 *   <tr><td>{@code roleArn}</td><td>required: the role to assume</td></tr>
 *   <tr><td>{@code policy}</td><td>an inline session policy (IAM JSON), at most 2,048 characters
 *       once whitespace is removed</td></tr>
 *   <tr><td>{@code actions}, {@code resources}</td><td>comma-separated; Keyhole builds the
 *       session policy {@code Allow actions on resources} (instead of {@code policy})</td></tr>
 *   <tr><td>{@code policyArns}</td><td>comma-separated managed session policy ARNs, at most 10</td></tr>
 *   <tr><td>{@code fullRolePermissions}</td><td>{@code true} to accept a session without any
 *       session policy (otherwise one of the three above is required)</td></tr>
 *   <tr><td>{@code externalId}</td><td>the role's external id, 2-1224 characters</td></tr>
 *   <tr><td>{@code sourceIdentity}</td><td>2-64 characters; may use {@code ${agentId}},
 *       {@code ${taskId}}, {@code ${grant}}; needs {@code sts:SetSourceIdentity}</td></tr>
 *   <tr><td>{@code tags}</td><td>{@code key=value,...} session tags (values may use the same
 *       variables)</td></tr>
 *   <tr><td>{@code transitiveTagKeys}</td><td>comma-separated keys of session tags to pass on
 *       when the session chains roles</td></tr>
 *   <tr><td>{@code taskTags}</td><td>default {@code true}: add session tags {@code
 *       keyhole-task-id} and {@code keyhole-agent-id} (needs {@code sts:TagSession} in the role's
 *       trust policy)</td></tr>
 *   <tr><td>{@code maxDurationSeconds}</td><td>the role's maximum session duration, 900-43200,
 *       default 3600</td></tr>
 *   <tr><td>{@code sessionNamePrefix}</td><td>prepended to the task id in the session name</td></tr>
 * </table>
 *
 * <p>The role session name is derived from the task id (so CloudTrail shows which task acted);
 * {@code DurationSeconds} is the task's remaining lifetime, clamped to at least 900 s (STS's
 * minimum) and at most {@code maxDurationSeconds}. A lease is not renewed within a task: if the
 * task may outlive {@code maxDurationSeconds}, raise it (and the role's maximum session duration)
 * or shorten the task. Everything STS limits is checked before calling
 * ({@link #validate} runs when the policy is built): session name, duration, policy size and
 * characters, number and form of policy ARNs, number, keys and values of tags, transitive keys,
 * external id and source identity; violations are {@link dev.keyhole.ConfigurationException}s that
 * name the grant and the limit.
 *
 * <p>STS errors are mapped by code: {@code AccessDenied}, {@code ExpiredToken} and credential errors
 * to {@link dev.keyhole.SecretAccessDeniedException}; {@code MalformedPolicyDocument}, {@code
 * PackedPolicyTooLarge}, {@code RegionDisabledException} and {@code ValidationError} to {@link
 * dev.keyhole.ConfigurationException}; throttling, 5xx, timeouts and unreadable answers to the
 * retryable {@link dev.keyhole.ProviderUnavailableException}.
 *
 * <p>Security: <b>STS sessions cannot be revoked individually.</b> When the task ends Keyhole
 * destroys the lease's values and its handles and {@link TaskCredentialsProvider} stop working, but
 * a copy of the credentials that escaped (into a child process, say) keeps working until the
 * session expires — at least 900 s after it was issued. That expiry is the real bound; keep task
 * lifetimes and {@code maxDurationSeconds} short. {@link #revocable()} is therefore false. An
 * opt-in {@link RevocationHook} can attach a deny-by-tag / {@code aws:TokenIssueTime} policy to the
 * role when the task ends, which cuts the session off once IAM has propagated it (seconds, not
 * instantly). Error messages never contain a credential.
 */
public final class StsCredentialIssuer implements CredentialIssuer {
  /** The default issuer id. */
  public static final String DEFAULT_ID = "aws-sts";
  /** Part names: the handles are {@code <grant>_access_key_id} and so on. */
  public static final String ACCESS_KEY_ID = "access_key_id";
  public static final String SECRET_ACCESS_KEY = "secret_access_key";
  public static final String SESSION_TOKEN = "session_token";
  /** The session tags Keyhole adds unless {@code taskTags: false}. */
  public static final String TASK_TAG_KEY = AssumeRoleSpec.TASK_TAG;
  public static final String AGENT_TAG_KEY = AssumeRoleSpec.AGENT_TAG;

  private static final List<String> PARTS = List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN);

  private final String id;
  private final RegionalClients<StsClient> clients;
  private final Clock clock;
  private final @Nullable RevocationHook hook;

  private StsCredentialIssuer(Builder b) {
    this.id = b.id;
    this.clock = b.clock;
    this.hook = b.hook;
    this.clients = RegionalClients.of(AwsErrors.Service.STS, b.client, b.options, StsClient::builder);
  }

  /** An issuer with {@link AwsClientOptions#defaults()}. */
  public static StsCredentialIssuer create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<String> parts() {
    return PARTS;
  }

  /** Checks a grant's parameters against STS's limits, without I/O. */
  @Override
  public void validate(IssueRequest request) {
    AssumeRoleSpec.parse(request.grantName(), request.parameters())
        .forTask(request.taskId(), request.agentId(), request.lifetime(), true);
  }

  @Override
  public CredentialLease issue(IssueRequest request) {
    AssumeRoleSpec spec = AssumeRoleSpec.parse(request.grantName(), request.parameters());
    AssumeRoleSpec.Call call =
        spec.forTask(request.taskId(), request.agentId(), request.lifetime(), false);
    String subject = "credentials for grant '" + request.grantName() + "' of task '"
        + request.taskId() + "' (role " + spec.roleArn + ")";
    AssumeRoleResponse resp = clients.call(null, subject, c -> c.assumeRole(call.request()));
    Credentials c = resp.credentials();
    if (c == null || c.accessKeyId() == null || c.secretAccessKey() == null
        || c.sessionToken() == null || c.accessKeyId().isEmpty()
        || c.secretAccessKey().isEmpty() || c.sessionToken().isEmpty()) {
      throw new SecretFormatException("STS answered AssumeRole for " + subject + " without"
          + " complete credentials (access key id, secret access key and session token)");
    }
    Instant expiresAt = c.expiration() != null
        ? c.expiration() : clock.instant().plusSeconds(call.durationSeconds());
    Map<String, SecretValue> values = new LinkedHashMap<>();
    values.put(ACCESS_KEY_ID, SecretValue.ofString(c.accessKeyId()));
    values.put(SECRET_ACCESS_KEY, SecretValue.ofString(c.secretAccessKey()));
    values.put(SESSION_TOKEN, SecretValue.ofString(c.sessionToken()));

    String assumedRoleId = resp.assumedRoleUser() != null
        && resp.assumedRoleUser().assumedRoleId() != null
        ? resp.assumedRoleUser().assumedRoleId() : call.sessionName();
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("roleArn", spec.roleArn);
    attrs.put("sessionName", call.sessionName());
    attrs.put("taskId", request.taskId());
    attrs.put("durationSeconds", Integer.toString(call.durationSeconds()));
    if (resp.assumedRoleUser() != null && resp.assumedRoleUser().arn() != null) {
      attrs.put("assumedRoleArn", resp.assumedRoleUser().arn());
    }
    if (call.tags().containsKey(TASK_TAG_KEY)) {
      attrs.put("taskTagKey", TASK_TAG_KEY);
    }
    if (resp.sourceIdentity() != null) {
      attrs.put("sourceIdentity", resp.sourceIdentity());
    }
    return CredentialLease.of(assumedRoleId, values, expiresAt, attrs);
  }

  /**
   * STS cannot end a session early: this only calls the {@link RevocationHook}, if one is set and
   * the session has not expired yet. The lease's values are destroyed by Keyhole afterwards.
   */
  @Override
  public void revoke(CredentialLease lease) {
    Instant now = clock.instant();
    if (hook == null || !now.isBefore(lease.expiresAt())) {
      return;
    }
    Map<String, String> a = lease.attributes();
    String roleArn = a.get("roleArn");
    String sessionName = a.get("sessionName");
    String taskId = a.get("taskId");
    if (roleArn == null || sessionName == null || taskId == null) {
      return; // not a lease of this issuer
    }
    hook.sessionEnded(SessionRevocation.of(roleArn, sessionName, lease.leaseId(), taskId,
        a.get("taskTagKey"), now, lease.expiresAt()));
  }

  /** Always false: STS sessions live until they expire (see the class documentation). */
  @Override
  public boolean revocable() {
    return false;
  }

  /** Closes the client this issuer built (never a caller-owned client). */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "StsCredentialIssuer[" + id + ", " + clients
        + (hook == null ? "" : ", revocation hook") + "]";
  }

  /** Builds a {@link StsCredentialIssuer}. */
  public static final class Builder {
    private String id = DEFAULT_ID;
    private AwsClientOptions options = AwsClientOptions.defaults();
    private @Nullable StsClient client;
    private Clock clock = Clock.systemUTC();
    private @Nullable RevocationHook hook;

    private Builder() {}

    /** The issuer id (default {@value StsCredentialIssuer#DEFAULT_ID}); grants name it in {@code issuer}. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * How to build the STS client (ignored when {@link #client} is given). Its credentials are
     * Keyhole's own: the principal that may assume the task roles.
     */
    public Builder options(AwsClientOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** A caller-owned STS client, used as is and never closed by Keyhole. */
    public Builder client(StsClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock for revocation times; use Keyhole's clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** An opt-in, best-effort early revocation (see {@link RevocationHook}). */
    public Builder revocationHook(@Nullable RevocationHook hook) {
      this.hook = hook;
      return this;
    }

    public StsCredentialIssuer build() {
      return new StsCredentialIssuer(this);
    }
  }
}
