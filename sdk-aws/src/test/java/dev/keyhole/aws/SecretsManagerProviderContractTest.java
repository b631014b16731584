package dev.keyhole.aws;

import dev.keyhole.SecretRef;
import dev.keyhole.testkit.SecretProviderContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.List;
import java.util.Optional;

/** The provider contract kit, run against Secrets Manager's JSON 1.1 API served by WireMock. */
class SecretsManagerProviderContractTest extends SecretProviderContractTest<SecretsManagerProvider> {
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();

  @Override
  protected SecretsManagerProvider createProvider() {
    return SecretsManagerProvider.builder().options(aws.options().build()).build();
  }

  @Override
  protected SecretRef seed(String name, String value) {
    aws.fake.putSecret("contract/" + name, value);
    return SecretRef.parse("aws-sm:contract/" + name);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("aws-sm:contract/does-not-exist");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of(
        "aws-sm:has space",
        "aws-sm:prod/db#",
        "aws-sm:prod/db:key:stage:0d9e1f2a-3b4c-5d6e-7f80-91a2b3c4d5e6:extra",
        "aws-sm:prod/db:key:bad stage",
        "aws-sm:prod/db:key:AWSCURRENT:not-a-uuid",
        "aws-sm:prod/db:a#b",
        "aws-sm:arn:aws:secretsmanager:us-east-1:123:secret:x",
        "aws-sm:arn:aws:ssm:us-east-1:111122223333:secret:x",
        "aws-sm:arn:aws:secretsmanager:us-east-1");
  }

  @Override
  protected Optional<SecretRef> deniedRef() {
    aws.fake.deny("contract/denied");
    return Optional.of(SecretRef.parse("aws-sm:contract/denied"));
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    aws.fake.throttle("contract/throttled");
    return Optional.of(SecretRef.parse("aws-sm:contract/throttled"));
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
