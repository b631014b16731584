package dev.keyhole.aws;

import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolExecution;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * An {@link AwsCredentialsProvider} for AWS SDK clients used <em>inside</em> a task's tools: it
 * hands out the task's STS credentials (an {@link StsCredentialIssuer} grant) only while a guarded
 * tool call of that task runs on the current thread, under the same policy checks as any handle
 * use, and never again once the task has closed.
 *
 * <pre>{@code
 * AwsCredentialsProvider creds = TaskCredentialsProvider.of(task, "aws");
 * try (S3Client s3 = S3Client.builder().credentialsProvider(creds).build()) {
 *   task.toolGuard().call("list_reports", "{}", call ->
 *       s3.listObjectsV2(b -> b.bucket("reports")).contents().toString());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Resolves the grant's three handles ({@code <grant>_access_key_id}, {@code
 *       <grant>_secret_access_key}, {@code <grant>_session_token}) through {@link
 *       ToolExecution#current()}, so the calling tool must be allowed by the grant and the use is
 *       counted and audited. The first use in a task issues the STS session.
 *   <li>One use per tool call: the credentials are kept for the rest of that call (the SDK asks for
 *       them before every request) and re-checked against the task's state each time.
 *   <li>Outside a tool call it throws {@link PolicyViolationException}; in another task's tool call
 *       too; after the task closed or expired, {@link TaskClosedException}, for good.
 * </ul>
 *
 * <p>Security: the provider holds no credential between tool calls. The SDK needs the credentials
 * as {@code String}s, which cannot be wiped; the {@link SecretValue}s they come from are destroyed
 * at once, and the Keyhole redactor knows the values while the task is open. {@code toString}
 * names the task and grant only.
 */
public final class TaskCredentialsProvider implements AwsCredentialsProvider {
  private final TaskScope task;
  private final String grant;
  private final List<SecretHandle> handles;
  private final Map<ToolExecution, AwsCredentials> perCall = new WeakHashMap<>();
  private volatile boolean dead;

  private TaskCredentialsProvider(TaskScope task, String grant, List<SecretHandle> handles) {
    this.task = task;
    this.grant = grant;
    this.handles = handles;
  }

  /**
   * A provider for the credentials of {@code task}'s grant {@code grantName}.
   *
   * @throws PolicyViolationException if the task has no such grant, or it is not a credential
   *     issuer grant with the three STS parts
   */
  public static TaskCredentialsProvider of(TaskScope task, String grantName) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(grantName, "grantName");
    String g = SecretHandle.of(grantName).name();
    List<SecretHandle> hs = List.of(
        SecretHandle.of(g + "_" + StsCredentialIssuer.ACCESS_KEY_ID),
        SecretHandle.of(g + "_" + StsCredentialIssuer.SECRET_ACCESS_KEY),
        SecretHandle.of(g + "_" + StsCredentialIssuer.SESSION_TOKEN));
    for (SecretHandle h : hs) {
      if (!task.handles().contains(h)) {
        throw new PolicyViolationException(Reason.UNKNOWN_HANDLE, "Task '" + task.taskId()
            + "' has no AWS credential grant '" + g + "' (handle " + h + " is missing). Grant it"
            + " with issuer '" + StsCredentialIssuer.DEFAULT_ID + "' and open the task with it.");
      }
    }
    return new TaskCredentialsProvider(task, g, hs);
  }

  @Override
  public AwsCredentials resolveCredentials() {
    if (dead || !task.isOpen()) {
      die();
      throw new TaskClosedException("AWS credentials of grant '" + grant + "' belong to task '"
          + task.taskId() + "', which has ended; they are no longer handed out. Open a new task.",
          false);
    }
    ToolExecution exec = ToolExecution.current().orElseThrow(() -> new PolicyViolationException(
        Reason.TOOL_NOT_ALLOWED, "AWS credentials of grant '" + grant + "' (task '"
            + task.taskId() + "') are only handed out inside a guarded tool call of that task;"
            + " run the AWS call from a tool through task.toolGuard().call(...)"));
    if (exec.task() != task) {
      throw new PolicyViolationException(Reason.UNKNOWN_HANDLE, "AWS credentials of grant '"
          + grant + "' belong to task '" + task.taskId() + "', not to task '"
          + exec.task().taskId() + "' whose tool '" + exec.toolName() + "' asked for them");
    }
    synchronized (perCall) {
      AwsCredentials cached = perCall.get(exec);
      if (cached != null) {
        return cached;
      }
    }
    Map<SecretHandle, SecretValue> values = task.resolveAll(handles, exec.use());
    try {
      AwsCredentials creds = AwsSessionCredentials.builder()
          .accessKeyId(values.get(handles.get(0)).revealString())
          .secretAccessKey(values.get(handles.get(1)).revealString())
          .sessionToken(values.get(handles.get(2)).revealString())
          .build();
      synchronized (perCall) {
        perCall.put(exec, creds);
      }
      return creds;
    } finally {
      values.values().forEach(SecretValue::destroy);
    }
  }

  private void die() {
    dead = true;
    synchronized (perCall) {
      perCall.clear();
    }
  }

  /** The grant whose credentials this provider hands out. */
  public String grantName() {
    return grant;
  }

  @Override
  public String toString() {
    return "TaskCredentialsProvider[task=" + task.taskId() + ", grant=" + grant
        + (dead ? ", dead" : "") + "]";
  }
}
