package dev.keyhole.aws;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider contract kit, run against SSM's JSON 1.1 API served by WireMock. */
class ParameterStoreProviderContractTest extends AwsProviderContractTest<ParameterStoreProvider> {
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();

  ParameterStoreProviderContractTest() {
    super(aws, "aws-ssm:/contract/", "/contract/",
        o -> ParameterStoreProvider.builder().options(o).build(), aws.fake::putParameter);
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
}
