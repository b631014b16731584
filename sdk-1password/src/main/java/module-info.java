/**
 * Keyhole for 1Password: {@code op://} secret references resolved through 1Password Connect
 * (REST, OkHttp) or through the 1Password CLI ({@code op}). Only the API package is exported.
 */
module dev.keyhole.onepassword {
  requires transitive dev.keyhole.core;
  requires okhttp3;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;

  exports dev.keyhole.onepassword;
}
