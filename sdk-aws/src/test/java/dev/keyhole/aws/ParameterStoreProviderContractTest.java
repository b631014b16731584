package dev.keyhole.aws;

import dev.keyhole.SecretRef;
import dev.keyhole.testkit.SecretProviderContractTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.List;
import java.util.Optional;

/** The provider contract kit, run against SSM's JSON 1.1 API served by WireMock. */
class ParameterStoreProviderContractTest extends SecretProviderContractTest<ParameterStoreProvider> {
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();

  @Override
  protected ParameterStoreProvider createProvider() {
    return ParameterStoreProvider.builder().options(aws.options().build()).build();
  }

  @Override
  protected SecretRef seed(String name, String value) {
    aws.fake.putParameter("/contract/" + name, value);
    return SecretRef.parse("aws-ssm:/contract/" + name);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("aws-ssm:/contract/does-not-exist");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of(
        "aws-ssm:/has space",
        "aws-ssm:/prod//db",
        "aws-ssm:/prod/db:",
        "aws-ssm:/prod/db:0",
        "aws-ssm:/prod/db:3label",
        "aws-ssm:/prod/db#",
        "aws-ssm:/aws/reference/secretsmanager/bad name",
        "aws-ssm:arn:aws:ssm:us-east-1:123:parameter/x");
  }

  @Override
  protected Optional<SecretRef> deniedRef() {
    aws.fake.deny("/contract/denied");
    return Optional.of(SecretRef.parse("aws-ssm:/contract/denied"));
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    aws.fake.throttle("/contract/throttled");
    return Optional.of(SecretRef.parse("aws-ssm:/contract/throttled"));
  }

  @Override
  protected boolean supportsVersions() {
    return true;
  }
}
