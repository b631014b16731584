package dev.keyhole.aws;

import dev.keyhole.KeyholeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * A {@link RevocationHook} that attaches each ended task's deny policy ({@link
 * SessionRevocation#denyPolicyDocument()}) to the role as an inline policy with IAM {@code
 * PutRolePolicy}, and deletes it with {@code DeleteRolePolicy} once the session has expired.
 *
 * <pre>{@code
 * IamRevocationHook hook = IamRevocationHook.create(AwsClientOptions.defaults());
 * StsCredentialIssuer issuer = StsCredentialIssuer.builder().revocationHook(hook).build();
 * // now and then, e.g. from a scheduler:
 * hook.cleanUp(clock.instant());
 * }</pre>
 *
 * <ul>
 *   <li>Not instant: IAM is eventually consistent, so the session keeps working until the change
 *       has propagated (usually seconds). The session's own expiry remains the hard bound.
 *   <li>Keyhole's AWS principal needs {@code iam:PutRolePolicy} and {@code iam:DeleteRolePolicy} on
 *       the task roles — powerful permissions; scope them to those roles and to policy names
 *       starting with {@code keyhole-revoke-}.
 *   <li>Each deny policy uses about 400 of the role's 10,240 inline-policy characters; expired
 *       ones are deleted by {@link #cleanUp}, which also runs before every new revocation. Deny
 *       policies still pending when the process stops are left on the role (harmless once their
 *       sessions expired; delete {@code keyhole-revoke-*} policies to tidy up).
 *   <li>Runs on the thread that closes the task, within the IAM client's timeouts. Failures are
 *       thrown as typed errors, which Keyhole catches and audits; the task closes regardless.
 * </ul>
 *
 * <p>Requires the optional {@code software.amazon.awssdk:iam} dependency. Thread-safe.
 */
public final class IamRevocationHook implements RevocationHook, AutoCloseable {
  /** A deny policy attached to a role, to delete after {@code expiresAt}. */
  private record Attached(String roleName, String policyName, Instant expiresAt) {}

  private final RegionalClients<IamClient> clients;
  private final Map<String, Attached> attached = new ConcurrentHashMap<>();

  private IamRevocationHook(RegionalClients<IamClient> clients) {
    this.clients = clients;
  }

  /** A hook with its own IAM client built from {@code options} (closed by {@link #close()}). */
  public static IamRevocationHook create(AwsClientOptions options) {
    return new IamRevocationHook(RegionalClients.create(AwsErrors.Service.IAM, options, IamClient::builder));
  }

  /** A hook on a caller-owned IAM client (never closed by Keyhole). */
  public static IamRevocationHook of(IamClient client) {
    return new IamRevocationHook(RegionalClients.callerOwned(AwsErrors.Service.IAM, client,
        java.time.Clock.systemUTC()));
  }

  /**
   * Attaches the deny policy for {@code revocation}'s session to its role.
   *
   * @throws KeyholeException when IAM refuses (typed as for the other AWS calls)
   */
  @Override
  public void sessionEnded(SessionRevocation revocation) {
    cleanUp(revocation.endedAt());
    String subject = "the deny policy for task '" + revocation.taskId() + "' on role "
        + revocation.roleArn();
    clients.call(null, subject, c -> c.putRolePolicy(b -> b.roleName(revocation.roleName())
        .policyName(revocation.policyName())
        .policyDocument(revocation.denyPolicyDocument())));
    attached.put(revocation.policyName(), new Attached(revocation.roleName(),
        revocation.policyName(), revocation.expiresAt()));
  }

  /**
   * Deletes the deny policies whose sessions expired at or before {@code now}; a policy someone
   * already deleted is forgotten quietly. Failures leave the policy for the next clean-up.
   *
   * @return how many policies were deleted
   */
  public int cleanUp(Instant now) {
    Objects.requireNonNull(now, "now");
    int deleted = 0;
    // A snapshot: the conditional remove below must not drop an entry re-attached meanwhile.
    for (Attached a : List.copyOf(attached.values())) {
      if (now.isBefore(a.expiresAt())) {
        continue;
      }
      try {
        clients.defaultClient().deleteRolePolicy(b -> b.roleName(a.roleName())
            .policyName(a.policyName()));
        deleted++;
      } catch (NoSuchEntityException e) {
        // already gone
      } catch (SdkException e) {
        continue;
      }
      attached.remove(a.policyName(), a);
    }
    return deleted;
  }

  /** How many deny policies this hook has attached and not deleted yet. */
  public int pending() {
    return attached.size();
  }

  /** Closes the IAM client this hook built (never a caller-owned one). */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "IamRevocationHook[pending=" + attached.size() + "]";
  }
}
