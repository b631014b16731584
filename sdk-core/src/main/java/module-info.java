/**
 * Keyhole core: handles, values, task scopes, policy, audit, redaction, the tool guard and the
 * embedded providers. Only API and SPI packages are exported; {@code dev.keyhole.internal} is not.
 */
module dev.keyhole.core {
  requires transitive org.jspecify;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires com.fasterxml.jackson.dataformat.toml;
  requires org.slf4j;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.timelimiter;
  requires io.github.resilience4j.core;
  requires com.nulabinc.zxcvbn;
  requires transitive java.net.http;

  exports dev.keyhole;
  exports dev.keyhole.spi;
  exports dev.keyhole.audit;
  exports dev.keyhole.providers;
  exports dev.keyhole.redact;
  exports dev.keyhole.tools;

  // Jackson binds the policy file's DTOs reflectively.
  opens dev.keyhole.internal to com.fasterxml.jackson.databind;
  // SecretValue names its (refusing) serializer by annotation.
  opens dev.keyhole to com.fasterxml.jackson.databind;
  opens dev.keyhole.audit to com.fasterxml.jackson.databind;

  uses dev.keyhole.spi.SecretProvider;
  uses dev.keyhole.spi.CredentialIssuer;
}
