package dev.keyhole.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an issuer needs to mint a task's credential: the task and agent ids, the grant name, the
 * lifetime wanted (the task's remaining TTL) and the grant's issuer parameters from the policy (for
 * STS: {@code roleArn}, {@code policy}, {@code externalId}, ...).
 *
 * @param taskId the task's id
 * @param agentId the agent's id, if the task names one
 * @param grantName the grant's name (the handle-name prefix)
 * @param lifetime how long the credential should live
 * @param parameters the grant's issuer parameters (not secret)
 */
public record IssueRequest(
    String taskId,
    @Nullable String agentId,
    String grantName,
    Duration lifetime,
    Map<String, String> parameters) {
  public IssueRequest {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(grantName, "grantName");
    Objects.requireNonNull(lifetime, "lifetime");
    parameters = Map.copyOf(parameters);
  }
}
