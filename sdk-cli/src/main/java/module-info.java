/**
 * The {@code keyhole} command line ({@code keyhole scan}, {@code keyhole migrate}). An application,
 * not a library: it exports nothing; picocli reads the command classes reflectively.
 */
module dev.keyhole.cli {
  requires dev.keyhole.core;
  requires dev.keyhole.mcp;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires dev.keyhole.aws;
  requires dev.keyhole.onepassword;
  requires okhttp3;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.identity.spi;

  opens dev.keyhole.cli to info.picocli;
}
