package dev.keyhole.mcp;

import dev.keyhole.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the streamable HTTP transport listens: host (default {@code 127.0.0.1}), port
 * (default 0: any free port), endpoint path (default {@code /mcp}), the bearer token clients must
 * send (default: generated at start), and the browser origins allowed to call it (default none).
 *
 * <p>Security: the token is compared in constant time and never appears in {@code toString}.
 * Requests with an {@code Origin} not listed are refused (403), as the MCP specification requires
 * for local servers; so are requests whose {@code Host} is not the loopback address they were sent
 * to (DNS rebinding).
 */
public final class McpHttpOptions {
  private final String host;
  private final int port;
  private final String path;
  private final byte[] token;
  private final boolean generatedToken;
  private final Set<String> allowedOrigins;

  private McpHttpOptions(Builder b, byte[] token, boolean generated) {
    this.host = b.host;
    this.port = b.port;
    this.path = b.path;
    this.token = token;
    this.generatedToken = generated;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: 127.0.0.1, a free port, {@code /mcp}, a generated token, no browser origins. */
  public static McpHttpOptions defaults() {
    return builder().build();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String path() {
    return path;
  }

  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** Whether the token was generated here (so it must be shown to the user once). */
  public boolean generatedToken() {
    return generatedToken;
  }

  byte[] tokenBytes() {
    return token.clone();
  }

  @Override
  public String toString() {
    return "McpHttpOptions[" + host + ":" + port + path + ", origins=" + allowedOrigins + "]";
  }

  /** Builds {@link McpHttpOptions}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String path = "/mcp";
    private byte @Nullable [] token;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();

    private Builder() {}

    /** The address to bind (default 127.0.0.1; anything else exposes the broker to the network). */
    public Builder host(String address) {
      this.host = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port (0 = any free port). */
    public Builder port(int number) {
      if (number < 0 || number > 65535) {
        throw new ConfigurationException("Port " + number + " is out of range 0-65535");
      }
      this.port = number;
      return this;
    }

    public Builder path(String endpoint) {
      if (!endpoint.startsWith("/")) {
        throw new ConfigurationException("The MCP endpoint path must start with '/'");
      }
      this.path = endpoint;
      return this;
    }

    /** The bearer token clients must send (at least 16 characters). */
    public Builder token(String bearerToken) {
      if (bearerToken.strip().length() < 16 || !bearerToken.strip().chars().allMatch(c -> c > 32 && c < 127)) {
        throw new ConfigurationException("The bearer token must be at least 16 printable ASCII"
            + " characters without spaces");
      }
      this.token = bearerToken.strip().getBytes(StandardCharsets.US_ASCII);
      return this;
    }

    /** Reads the bearer token from the first line of {@code file}. */
    public Builder tokenFile(Path file) {
      try {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        return token(content.lines().findFirst().orElse(""));
      } catch (IOException e) {
        throw new ConfigurationException("Could not read the token file " + file + " ("
            + e.getClass().getSimpleName() + ")");
      }
    }

    /** Allows browser requests from {@code origin} (e.g. {@code http://localhost:6274}). */
    public Builder allowOrigin(String origin) {
      allowedOrigins.add(Objects.requireNonNull(origin, "origin"));
      return this;
    }

    public McpHttpOptions build() {
      if (token != null) {
        return new McpHttpOptions(this, token, false);
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      byte[] t = Base64.getUrlEncoder().withoutPadding().encodeToString(random)
          .getBytes(StandardCharsets.US_ASCII);
      return new McpHttpOptions(this, t, true);
    }
  }
}
