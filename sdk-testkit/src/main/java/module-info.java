/** Keyhole testkit: the provider contract kit, a fake clock, audit recording and leak assertions. */
module dev.keyhole.testkit {
  requires transitive dev.keyhole.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.keyhole.testkit;

  opens dev.keyhole.testkit to org.junit.platform.commons;
}
