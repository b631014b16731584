package dev.keyhole.aws;

/**
 * Opt-in, best-effort early revocation of an STS session when its task ends.
 *
 * <p>STS cannot revoke one session: credentials from {@code AssumeRole} stay valid until they
 * expire, and the shortest session STS issues is 900 s. So the hard bound on a task's AWS access is
 * the session's expiry, which may be up to 15 minutes after the task closes. AWS documents one way
 * to cut a session short: attach a policy to the <em>role</em> that denies everything to sessions
 * matching a condition, such as the session's tags or {@code aws:TokenIssueTime}. {@link
 * SessionRevocation#denyPolicyDocument()} renders that policy for one task's session; a hook
 * attaches it with IAM {@code PutRolePolicy}; {@link IamRevocationHook} does exactly that (and
 * deletes the policy once the session has expired):
 *
 * <pre>{@code
 * StsCredentialIssuer issuer = StsCredentialIssuer.builder()
 *     .revocationHook(IamRevocationHook.create(AwsClientOptions.defaults()))
 *     .build();
 * }</pre>
 *
 * Even then revocation is <b>not instant</b>: IAM changes are eventually consistent and usually
 * take effect within seconds, during which the session still works; the hook needs {@code
 * iam:PutRolePolicy} on the role; each statement counts against the role's 10,240-character
 * inline-policy quota, so remove it (IAM {@code DeleteRolePolicy}) after {@link
 * SessionRevocation#expiresAt()}, when the session is dead anyway. Keyhole therefore still audits the
 * credential as {@code left_to_expire}.
 *
 * <p>Called once per lease from the thread that closes the task, after the task's handles are
 * dead; keep it short or hand the work to an executor. An exception is caught and audited by
 * Keyhole; it does not keep the task open.
 */
@FunctionalInterface
public interface RevocationHook {
  /** The task that owned {@code revocation}'s session has ended. */
  void sessionEnded(SessionRevocation revocation);
}
