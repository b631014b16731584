package dev.keyhole.springboot;

import dev.keyhole.aws.ParameterStoreProvider;
import dev.keyhole.aws.SecretsManagerProvider;
import dev.keyhole.spi.SecretProvider;

/** Which AWS service a provider talks to; loaded only when keyhole-aws is present. */
final class AwsProbe {
  private AwsProbe() {}

  static boolean handles(SecretProvider p) {
    return p instanceof SecretsManagerProvider || p instanceof ParameterStoreProvider;
  }

  static String service(SecretProvider p) {
    return p instanceof SecretsManagerProvider ? "secretsmanager" : "ssm";
  }
}
