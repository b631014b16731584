/**
 * Keyhole for AWS: Secrets Manager and SSM Parameter Store providers and the STS credential issuer.
 * Exports the API package only.
 */
module dev.keyhole.aws {
  requires transitive dev.keyhole.core;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.http;
  requires transitive software.amazon.awssdk.identity.spi;
  requires transitive software.amazon.awssdk.services.secretsmanager;
  requires transitive software.amazon.awssdk.services.ssm;
  requires transitive software.amazon.awssdk.services.sts;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.utils;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.http.urlconnection;
  requires com.fasterxml.jackson.core;
  // Optional: only IamRevocationHook uses IAM; add software.amazon.awssdk:iam to use it.
  requires static software.amazon.awssdk.services.iam;

  exports dev.keyhole.aws;

}
