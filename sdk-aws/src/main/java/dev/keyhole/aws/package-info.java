/**
 * Keyhole for AWS: the {@code aws-sm:} (Secrets Manager) and {@code aws-ssm:} (SSM Parameter
 * Store) secret providers, and the {@code aws-sts} credential issuer that mints task-scoped AWS
 * credentials with STS {@code AssumeRole}, with {@link dev.keyhole.aws.TaskCredentialsProvider} to
 * hand them to AWS SDK clients inside a task's tools.
 *
 * <pre>{@code
 * AwsClientOptions aws = AwsClientOptions.builder().region("eu-west-1").build();
 * Keyhole keyhole = Keyhole.builder()
 *     .provider(SecretsManagerProvider.builder().options(aws).build())
 *     .provider(ParameterStoreProvider.builder().options(aws).build())
 *     .issuer(StsCredentialIssuer.builder().options(aws).build())
 *     .policy(Policy.load(Path.of("keyhole-policy.yaml")))
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.keyhole.aws;

import org.jspecify.annotations.NullMarked;
