package dev.keyhole.aws;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The provider contract kit, run against Secrets Manager's JSON 1.1 API served by WireMock. */
class SecretsManagerProviderContractTest extends AwsProviderContractTest<SecretsManagerProvider> {
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();

  SecretsManagerProviderContractTest() {
    super(aws, "aws-sm:contract/", "contract/",
        o -> SecretsManagerProvider.builder().options(o).build(), aws.fake::putSecret);
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
}
