package dev.keyhole.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.InvalidReferenceException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The documented {@code aws-sm:} and {@code aws-ssm:} grammars, case by case. */
class ReferenceGrammarTest {
  private static final String ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf";
  private static final String VID = "0d9e1f2a-3b4c-5d6e-7f80-91a2b3c4d5e6";

  @Test
  void sm_shortForm_withHashKey() {
    SecretsManagerReference r = SecretsManagerReference.parse("aws-sm:prod/db#password");
    assertThat(r.secretId()).isEqualTo("prod/db");
    assertThat(r.isArn()).isFalse();
    assertThat(r.region()).isEmpty();
    assertThat(r.jsonKey()).contains("password");
    assertThat(r.versionStage()).isEmpty();
    assertThat(r.versionId()).isEmpty();
    assertThat(r.batchable()).isTrue();
    assertThat(r).hasToString("aws-sm:prod/db#password");
  }

  @Test
  void sm_ecsForm_afterFullArn_everyField() {
    SecretsManagerReference r = SecretsManagerReference.parse(
        "aws-sm:" + ARN + ":password:AWSPREVIOUS:" + VID);
    assertThat(r.secretId()).isEqualTo(ARN);
    assertThat(r.isArn()).isTrue();
    assertThat(r.region()).contains("eu-west-1");
    assertThat(r.jsonKey()).contains("password");
    assertThat(r.versionStage()).contains("AWSPREVIOUS");
    assertThat(r.versionId()).contains(VID);
    assertThat(r.batchable()).isFalse();
  }

  @Test
  void sm_ecsForm_trailingFieldsOptional_emptyFieldsKeepTheirColons() {
    assertThat(SecretsManagerReference.parse("aws-sm:" + ARN).jsonKey()).isEmpty();
    assertThat(SecretsManagerReference.parse("aws-sm:" + ARN + ":").jsonKey()).isEmpty();
    SecretsManagerReference stageOnly = SecretsManagerReference.parse("aws-sm:" + ARN + "::AWSPENDING");
    assertThat(stageOnly.jsonKey()).isEmpty();
    assertThat(stageOnly.versionStage()).contains("AWSPENDING");
    SecretsManagerReference idOnly = SecretsManagerReference.parse("aws-sm:" + ARN + ":::" + VID);
    assertThat(idOnly.versionStage()).isEmpty();
    assertThat(idOnly.versionId()).contains(VID);
    SecretsManagerReference keyOnly = SecretsManagerReference.parse("aws-sm:" + ARN + ":user::");
    assertThat(keyOnly.jsonKey()).contains("user");
    assertThat(keyOnly.batchable()).isTrue();
  }

  @Test
  void sm_nameForm_acceptsTheColonFieldsToo_andHashAfterThem() {
    SecretsManagerReference r = SecretsManagerReference.parse("aws-sm:prod/db::AWSCURRENT#a:b");
    assertThat(r.secretId()).isEqualTo("prod/db");
    assertThat(r.versionStage()).contains("AWSCURRENT");
    assertThat(r.jsonKey()).contains("a:b");
    assertThat(r.batchable()).isTrue();
  }

  @Test
  void sm_partialArn_andOtherPartitions() {
    SecretsManagerReference r = SecretsManagerReference.parse(
        "aws-sm:arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:prod/db#k");
    assertThat(r.region()).contains("cn-north-1");
    assertThat(r.secretId()).isEqualTo("arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:prod/db");
    assertThat(SecretsManagerReference.parse(
        "aws-sm:arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:x").region())
        .contains("us-gov-west-1");
  }

  @Test
  void sm_namesMayUseEveryAllowedCharacter() {
    assertThat(SecretsManagerReference.parse("aws-sm:a/b_c+d=e.f@g-h").secretId())
        .isEqualTo("a/b_c+d=e.f@g-h");
    assertThat(SecretsManagerReference.parse("aws-sm:arn").secretId()).isEqualTo("arn");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "aws-sm:has space", "aws-sm:a*b", "aws-sm:prod/db#", "aws-sm:#key", "aws-sm::key",
      "aws-sm:prod/db:k:s:" + VID + ":extra", "aws-sm:prod/db:k#k2",
      "aws-sm:prod/db::bad stage", "aws-sm:prod/db:::short-id",
      "aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:secret",
      "aws-sm:arn:aws:secretsmanager:eu-west-1:1111:secret:x",
      "aws-sm:arn:aws:secretsmanager:EU:111122223333:secret:x",
      "aws-sm:arn:aws:s3:eu-west-1:111122223333:secret:x",
      "aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:key:x",
      "aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:secret:",
      "aws-ssm:/not/sm"})
  void sm_malformed_isInvalidReference_withTheGrammar(String text) {
    assertThatThrownBy(() -> SecretsManagerReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("aws-sm:NAME-OR-ARN");
  }

  @Test
  void sm_tooLongName_isRejected() {
    assertThatThrownBy(() -> SecretsManagerReference.parse("aws-sm:" + "a".repeat(513)))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("1-512");
  }

  @Test
  void ssm_pathNameVersionLabelAndKey() {
    ParameterStoreReference r = ParameterStoreReference.parse("aws-ssm:/prod/db/password:3");
    assertThat(r.name()).isEqualTo("/prod/db/password");
    assertThat(r.requestName()).isEqualTo("/prod/db/password:3");
    assertThat(r.version()).isEqualTo(OptionalLong.of(3));
    assertThat(r.label()).isEmpty();
    ParameterStoreReference l = ParameterStoreReference.parse("aws-ssm:/prod/db/password:live#k");
    assertThat(l.label()).contains("live");
    assertThat(l.version()).isEmpty();
    assertThat(l.jsonKey()).contains("k");
    assertThat(l.requestName()).isEqualTo("/prod/db/password:live");
    assertThat(ParameterStoreReference.parse("aws-ssm:plain-name").name()).isEqualTo("plain-name");
  }

  @Test
  void ssm_bridge_acceptsSecretsManagerNames_andStages() {
    ParameterStoreReference r = ParameterStoreReference.parse(
        "aws-ssm:/aws/reference/secretsmanager/team+a/db@1:AWSPREVIOUS#password");
    assertThat(r.isSecretsManagerBridge()).isTrue();
    assertThat(r.requestName()).isEqualTo("/aws/reference/secretsmanager/team+a/db@1:AWSPREVIOUS");
    assertThat(r.selector()).contains("AWSPREVIOUS");
    assertThat(r.version()).isEmpty();
    assertThat(r.label()).isEmpty();
    assertThat(r.jsonKey()).contains("password");
  }

  @Test
  void ssm_arn_withSelector() {
    ParameterStoreReference r = ParameterStoreReference.parse(
        "aws-ssm:arn:aws:ssm:eu-central-1:444455556666:parameter/shared/key:4");
    assertThat(r.region()).contains("eu-central-1");
    assertThat(r.name()).isEqualTo("arn:aws:ssm:eu-central-1:444455556666:parameter/shared/key");
    assertThat(r.requestName()).endsWith("parameter/shared/key:4");
    assertThat(r.version()).isEqualTo(OptionalLong.of(4));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "aws-ssm:/", "aws-ssm:/a b", "aws-ssm:/a//b", "aws-ssm:/a/", "aws-ssm:/a:", "aws-ssm:/a:0",
      "aws-ssm:/a:1x", "aws-ssm:/a#", "aws-ssm:/a+b", "aws-ssm:/aws/reference/secretsmanager/",
      "aws-ssm:/aws/reference/secretsmanager/a b", "aws-ssm:arn:aws:ssm:eu-west-1:1:parameter/x",
      "aws-ssm:arn:aws:secretsmanager:eu-west-1:111122223333:parameter/x",
      "aws-ssm:/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16"})
  void ssm_malformed_isInvalidReference(String text) {
    assertThatThrownBy(() -> ParameterStoreReference.parse(text))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("aws-ssm:/path/name");
  }
}
