package dev.keyhole.aws;

import dev.keyhole.ConfigurationException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.spi.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Maps AWS SDK failures to Keyhole's typed errors by the AWS error code (several codes, such as
 * {@code AccessDeniedException} or {@code ThrottlingException} of Secrets Manager, have no SDK
 * exception class of their own), then by HTTP status.
 *
 * <p>Security: messages are built from Keyhole's own words, the reference, the AWS error code,
 * status and request id. The SDK's and AWS's message text is never copied: an unmarshalling error
 * can quote a fragment of the response body, which may be the secret.
 */
final class AwsErrors {
  /** The service a call went to: names it in messages and says how to fix permissions. */
  enum Service {
    SECRETS_MANAGER("Secrets Manager", "secretsmanager:GetSecretValue (and kms:Decrypt on the"
        + " secret's KMS key)"),
    PARAMETER_STORE("SSM Parameter Store", "ssm:GetParameter (and kms:Decrypt for SecureString"
        + " parameters; secretsmanager:GetSecretValue for /aws/reference/secretsmanager/ names)"),
    STS("STS", "sts:AssumeRole on the role, and a trust policy that lets Keyhole's principal assume"
        + " it (with sts:TagSession and sts:SetSourceIdentity when tags or a source identity are"
        + " sent)"),
    IAM("IAM", "iam:PutRolePolicy and iam:DeleteRolePolicy on the task roles"),
    SECRETS_MANAGER_WRITE("Secrets Manager", "secretsmanager:DescribeSecret, CreateSecret,"
        + " TagResource, GetSecretValue and PutSecretValue on these secrets (and kms:GenerateDataKey"
        + " and kms:Decrypt on their KMS key)");

    final String label;
    final String permissions;

    Service(String label, String permissions) {
      this.label = label;
      this.permissions = permissions;
    }
  }

  private static final Set<String> NOT_FOUND = Set.of("ResourceNotFoundException",
      "ParameterNotFound", "ParameterVersionNotFound", "NoSuchEntity");
  private static final Set<String> DENIED = Set.of("AccessDeniedException", "AccessDenied",
      "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId",
      "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
      "MissingAuthenticationToken", "MissingAuthenticationTokenException", "NotAuthorized",
      "AuthFailure", "OptInRequired");
  private static final Set<String> EXPIRED_CREDENTIALS = Set.of("ExpiredToken",
      "ExpiredTokenException", "RequestExpired");
  private static final Set<String> KMS = Set.of("DecryptionFailure", "InvalidKeyId",
      "KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException",
      "KMSNotFoundException");
  private static final Set<String> THROTTLED = Set.of("ThrottlingException", "Throttling",
      "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException", "RequestThrottled",
      "RequestThrottledException", "ProvisionedThroughputExceededException", "SlowDown",
      "PriorRequestNotComplete", "TransactionInProgressException", "EC2ThrottledException",
      "BandwidthLimitExceeded");
  private static final Set<String> SERVER = Set.of("InternalServiceError",
      "InternalServiceErrorException", "InternalServerError", "InternalFailure", "InternalError",
      "ServiceUnavailable", "ServiceUnavailableException", "ServiceFailure", "RequestTimeout",
      "RequestTimeoutException", "IDPCommunicationError");
  private static final Set<String> STS_CONFIGURATION = Set.of("MalformedPolicyDocument",
      "PackedPolicyTooLarge", "RegionDisabledException", "ValidationError",
      "InvalidParameterValue", "InvalidAuthorizationMessageException");
  private static final Set<String> INVALID = Set.of("InvalidParameterException",
      "ValidationException", "ValidationError", "InvalidParameterValue",
      "InvalidParameterCombination", "MissingParameter", "InvalidParameterValueException",
      "InvalidNextTokenException", "HierarchyLevelLimitExceededException");

  private AwsErrors() {}

  /**
   * Maps an SDK failure of a call about {@code subject} (e.g. {@code "secret 'prod/db' (reference
   * aws-sm:prod/db#password)"}).
   */
  static KeyholeException map(SdkException e, Service service, String subject) {
    return map(e, service, subject, Clock.systemUTC());
  }

  /**
   * As {@link #map(SdkException, Service, String)}; a throttling or server-fault answer with a
   * {@code Retry-After} header carries that delay (HTTP-dates are read on {@code clock}).
   */
  static KeyholeException map(SdkException e, Service service, String subject, Clock clock) {
    if (e instanceof AwsServiceException ase) {
      AwsErrorDetails d = ase.awsErrorDetails();
      String code = d == null ? null : d.errorCode();
      KeyholeException k = fromCode(code, ase.statusCode(), ase.isThrottlingException(), service,
          subject, ase.requestId());
      Duration retryAfter = d == null || d.sdkHttpResponse() == null ? null
          : RetryAfter.parse(d.sdkHttpResponse().firstMatchingHeader("Retry-After").orElse(null),
              clock).orElse(null);
      if (retryAfter != null && k instanceof ProviderUnavailableException) {
        return new ProviderUnavailableException(k.getMessage() + " AWS asked to wait "
            + retryAfter.toSeconds() + " s.", null, retryAfter);
      }
      return k;
    }
    if (e instanceof SdkServiceException sse) {
      return fromCode(null, sse.statusCode(), sse.isThrottlingException(), service, subject,
          sse.requestId());
    }
    return new ProviderUnavailableException(service.label + " could not be reached or gave an"
        + " unreadable answer for " + subject + " (" + causeChain(e) + "). Keyhole"
        + " retries with backoff; if it persists, check the network, proxy and endpoint, and that"
        + " Keyhole's own AWS credentials and region can be found.");
  }

  /**
   * Maps an AWS error code (from an error response, or a per-item error in a 200 batch answer).
   */
  static KeyholeException fromCode(@Nullable String code, int status, boolean throttling,
      Service service, String subject, @Nullable String requestId) {
    String facts = " (AWS error " + (code == null || code.isBlank() ? "<none>" : code) + ", HTTP "
        + (status > 0 ? Integer.toString(status) : "-")
        + (requestId == null || requestId.isBlank() ? "" : ", request id " + requestId) + ")";
    String c = code == null ? "" : code;
    if (NOT_FOUND.contains(c)) {
      return new SecretNotFoundException(service.label + " has no " + subject + facts
          + ". Check the name or ARN, the version, stage or label, the region and the account.");
    }
    if (service == Service.SECRETS_MANAGER && c.equals("InvalidRequestException")) {
      return new SecretNotFoundException(service.label + " cannot read " + subject + " in its"
          + " current state, for example because it is scheduled for deletion" + facts
          + ". Restore the secret or point the reference at another one.");
    }
    if (KMS.contains(c)) {
      return new SecretAccessDeniedException(service.label + " could not decrypt " + subject
          + " with its KMS key" + facts + ". Grant Keyhole's AWS principal kms:Decrypt on the key,"
          + " and check that the key is enabled.");
    }
    if (EXPIRED_CREDENTIALS.contains(c)) {
      return new SecretAccessDeniedException(service.label + " rejected Keyhole's AWS credentials"
          + " for " + subject + " because they expired" + facts + ". Refresh the credentials"
          + " Keyhole uses (profile, SSO login or role), or check the machine's clock.");
    }
    if (DENIED.contains(c)) {
      return denied(service, subject, facts);
    }
    if (throttling || THROTTLED.contains(c)) {
      return throttled(service, subject, facts);
    }
    if (SERVER.contains(c)) {
      return serverFault(service, subject, facts);
    }
    if (service == Service.STS && STS_CONFIGURATION.contains(c)) {
      return stsConfiguration(c, facts, subject);
    }
    if ((service == Service.SECRETS_MANAGER || service == Service.PARAMETER_STORE)
        && INVALID.contains(c)) {
      return new InvalidReferenceException(service.label + " rejected the request for " + subject
          + " as invalid" + facts + ". Check the reference's name, version, stage or label.");
    }
    // Codes this mapper does not know (or none, e.g. an HTML error page): go by HTTP status.
    if (status == 429) {
      return throttled(service, subject, facts);
    }
    if (status >= 500) {
      return serverFault(service, subject, facts);
    }
    if (status == 403) {
      return denied(service, subject, facts);
    }
    if (service == Service.STS) {
      return stsConfiguration(c, facts, subject);
    }
    return new KeyholeException(service.label + " rejected the request for " + subject + facts
        + ".");
  }

  private static KeyholeException denied(Service service, String subject, String facts) {
    return new SecretAccessDeniedException(service.label + " refused Keyhole's AWS credentials"
        + " for " + subject + facts + ". Grant Keyhole's AWS principal " + service.permissions
        + ", or check which credentials Keyhole uses (AwsClientOptions.credentialsProvider).");
  }

  private static KeyholeException throttled(Service service, String subject, String facts) {
    return new ProviderUnavailableException(service.label + " throttled the request for "
        + subject + facts + ". Keyhole retries with backoff and may serve a recently cached"
        + " value; if it persists, lower the request rate or raise the account's quota.");
  }

  private static KeyholeException serverFault(Service service, String subject, String facts) {
    return new ProviderUnavailableException(service.label + " failed on its side for " + subject
        + facts + ". Keyhole retries with backoff; check the AWS Health Dashboard if it"
        + " persists.");
  }

  private static KeyholeException stsConfiguration(String code, String facts, String subject) {
    String fix = switch (code) {
      case "MalformedPolicyDocument" -> "The session policy is not a valid IAM policy; fix the"
          + " grant's 'policy' (or 'actions'/'resources') parameter.";
      case "PackedPolicyTooLarge" -> "The session policy, managed policy ARNs and session tags"
          + " together are too large once packed by STS; shorten the policy, use fewer or shorter"
          + " tags, or move statements into a managed policy.";
      case "RegionDisabledException" -> "STS is not activated in this region for the account;"
          + " activate the region in IAM account settings or use another STS region.";
      default -> "Check the grant's issuer parameters (roleArn, policy, policyArns, tags,"
          + " externalId, sourceIdentity, maxDurationSeconds) against the role's settings.";
    };
    return new ConfigurationException("STS refused to issue " + subject + facts + ". " + fix);
  }

  /** The class names of an exception and its causes; never their messages. */
  static String causeChain(Throwable e) {
    List<String> names = new ArrayList<>();
    for (Throwable t = e; t != null && names.size() < 5; t = t.getCause()) {
      names.add(t.getClass().getSimpleName());
      if (t.getCause() == t) {
        break;
      }
    }
    return String.join(" caused by ", names);
  }
}
