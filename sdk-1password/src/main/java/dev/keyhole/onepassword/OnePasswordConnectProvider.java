package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code op://vault/item/[section/]field[?attribute=…]} references from a 1Password Connect
 * server over its REST API (OkHttp).
 *
 * <pre>{@code
 * SecretProvider onePassword = OnePasswordConnectProvider.fromEnvironment(); // OP_CONNECT_HOST, OP_CONNECT_TOKEN
 * Keyhole keyhole = Keyhole.builder().provider(onePassword).policy(policy).build();
 * }</pre>
 *
 * <p>Resolution: vault, then item, then field or file. A part shaped like a 1Password ID is tried as
 * an ID first, then as a name. Names are matched ignoring case (Connect's own filters are exact, so
 * a full list is read when the filter finds nothing); two candidates are an {@link
 * AmbiguousReferenceException} naming their IDs. {@code attribute=otp} computes the current RFC 6238
 * code from the OTP field on Keyhole's clock (the result expires at the end of its period). Files are
 * read from their content endpoint. Name-to-ID answers are cached (IDs only, never values) and
 * {@link #resolveAll} fetches each vault, item and file once for all references that share it.
 *
 * <p>Errors: 401/403 become {@link dev.keyhole.SecretAccessDeniedException}; 404 {@link
 * dev.keyhole.SecretNotFoundException} naming the missing vault, item, section, field or file;
 * 429, 5xx, timeouts and I/O failures {@link ProviderUnavailableException} (retryable: Keyhole's
 * retry and circuit breaker handle them; OkHttp's own silent retry is off). Connect's {@code
 * {status, message}} bodies are quoted, non-JSON bodies (a proxy's HTML page) are described, never
 * quoted.
 *
 * <p>Security: the Connect token is held as a {@link SecretValue}, sent only in the {@code
 * Authorization} header, redacted in every log line and error, and wiped by {@link #close()}. Debug
 * logs (SLF4J, {@code dev.keyhole.onepassword}) name methods, paths and status codes only. Item JSON
 * is parsed with Jackson, whose strings cannot be wiped; they become unreachable after each call.
 * Thread-safe.
 */
public final class OnePasswordConnectProvider implements SecretProvider {
  /** The default provider id. */
  public static final String DEFAULT_ID = "1password-connect";

  private final String id;
  private final HttpUrl host;
  private final SecretValue token;
  private final ConnectHttp http;
  private final ConnectResolver resolver;
  private final IdCache ids;

  private OnePasswordConnectProvider(Builder b, HttpUrl host, SecretValue token) {
    this.id = b.id;
    this.host = host;
    this.token = token;
    this.http = new ConnectHttp(host, token, b.httpClient, b.connectTimeout, b.readTimeout,
        b.callTimeout, b.clock);
    this.ids = new IdCache(b.clock, b.idCacheTtl);
    this.resolver = new ConnectResolver(http, ids, b.clock);
  }

  /** A provider configured from {@code OP_CONNECT_HOST} and {@code OP_CONNECT_TOKEN}. */
  public static OnePasswordConnectProvider fromEnvironment() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("op");
  }

  /** Checks the reference against 1Password's syntax without any I/O. */
  @Override
  public void validate(SecretRef ref) {
    OpReference.parse(ref);
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    OpReference op = OpReference.parse(ref);
    try (ConnectResolver.Session s = resolver.session()) {
      return resolver.resolve(op, s);
    }
  }

  /** Resolves several references, fetching each vault, item and file once. */
  @Override
  public Map<SecretRef, Result> resolveAll(Collection<SecretRef> refs) {
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    try (ConnectResolver.Session s = resolver.session()) {
      for (SecretRef ref : refs) {
        try {
          out.put(ref, Result.success(resolver.resolve(OpReference.parse(ref), s)));
        } catch (KeyholeException e) {
          out.put(ref, Result.failure(e));
        }
      }
    }
    return out;
  }

  /**
   * Asks the server for its readiness: {@code GET /heartbeat}, then {@code GET /health}.
   *
   * @throws ProviderUnavailableException when the server does not answer or its heartbeat fails
   * @throws KeyholeException of the mapped type when {@code /health} answers with an error
   */
  public ConnectHealth health() {
    HttpUrl heartbeat = http.url("heartbeat").build();
    try (Response r = http.rawGet(heartbeat)) {
      if (!r.isSuccessful()) {
        throw new ProviderUnavailableException("1Password Connect at " + host + " failed its heartbeat"
            + " (HTTP " + r.code() + ")");
      }
    } catch (IOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host + " did not answer its"
          + " heartbeat (" + e.getClass().getSimpleName() + "); check OP_CONNECT_HOST and that the"
          + " server is running");
    }
    JsonNode h = http.getJson(http.url("health").build(), "the server's health");
    Map<String, String> deps = new LinkedHashMap<>();
    for (JsonNode d : ItemFields.list(h.path("dependencies"))) {
      String service = ItemFields.text(d, "service");
      if (service != null) {
        deps.put(service, Objects.toString(ItemFields.text(d, "status"), "UNKNOWN"));
      }
    }
    return new ConnectHealth(ItemFields.text(h, "name"), ItemFields.text(h, "version"), deps);
  }

  /**
   * The write side over the same Connect server and token: puts concealed fields into items (see
   * {@link OnePasswordWriter}). It lives as long as this provider.
   */
  public OnePasswordWriter writer() {
    return new ConnectWriter(http);
  }

  /** How many name-to-ID answers are cached (for tests and metrics). */
  int cachedIds() {
    return ids.size();
  }

  /** Wipes the token, drops the ID cache and releases OkHttp's threads (unless the client was given). */
  @Override
  public void close() {
    ids.clear();
    http.close();
    token.destroy();
  }

  @Override
  public String toString() {
    return "OnePasswordConnectProvider[id=" + id + ", host=" + host + "]";
  }

  /**
   * Configures a {@link OnePasswordConnectProvider}. Host and token come from the builder, else from
   * the environment ({@code OP_CONNECT_HOST}, {@code OP_CONNECT_TOKEN}).
   *
   * <p>Defaults: connect timeout 3 s, read timeout 5 s, whole-call timeout 8 s (below Keyhole's
   * default 10 s time limit per attempt, so a slow call fails as a retryable error rather than being
   * cut off), ID cache 10 minutes, the system UTC clock.
   */
  public static final class Builder {
    private String id = DEFAULT_ID;
    private @Nullable String host;
    private @Nullable SecretValue token;
    private Map<String, String> environment = System.getenv();
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration callTimeout = Duration.ofSeconds(8);
    private Duration idCacheTtl = Duration.ofMinutes(10);
    private @Nullable OkHttpClient httpClient;

    private Builder() {}

    /** The provider id (default {@value #DEFAULT_ID}). */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The Connect server's base URL, e.g. {@code http://localhost:8080}. */
    public Builder host(String url) {
      this.host = Objects.requireNonNull(url, "url");
      return this;
    }

    /** The Connect access token; {@link #build()} takes its own copy, so destroy yours after building. */
    public Builder token(SecretValue token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Where {@code OP_CONNECT_HOST} and {@code OP_CONNECT_TOKEN} are read (default: the process environment). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /** The clock for one-time passwords and the ID cache (use Keyhole's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** The limit for one HTTP call, from connecting to reading the last byte. */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /** How long name-to-ID answers are kept; zero disables the cache. */
    public Builder idCacheTtl(Duration ttl) {
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("idCacheTtl must not be negative, was " + ttl);
      }
      this.idCacheTtl = ttl;
      return this;
    }

    /**
     * A client to share connection pool and dispatcher with (proxy, TLS settings). The provider
     * derives its own client from it and does not shut it down on close.
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * Builds the provider, taking an unset host or token from {@code OP_CONNECT_HOST} or
     * {@code OP_CONNECT_TOKEN}.
     *
     * @throws ConfigurationException when host or token is missing or the host is not an http(s) URL
     */
    public OnePasswordConnectProvider build() {
      String h = host != null ? host : environment.get("OP_CONNECT_HOST");
      if (h == null || h.isBlank()) {
        throw new ConfigurationException("No 1Password Connect host: set OP_CONNECT_HOST (for example"
            + " http://localhost:8080) or call OnePasswordConnectProvider.builder().host(...)");
      }
      HttpUrl url = HttpUrl.parse(h.strip());
      if (url == null) {
        throw new ConfigurationException("1Password Connect host '" + OpReference.abbreviate(h.strip())
            + "' is not an http(s) URL; write it with its scheme, e.g. http://localhost:8080");
      }
      if (url.username().length() > 0 || url.password().length() > 0 || url.query() != null) {
        throw new ConfigurationException("1Password Connect host must be a plain base URL without"
            + " user info or query; give the token with OP_CONNECT_TOKEN or builder().token(...)");
      }
      SecretValue t = token;
      if (t == null) {
        String env = environment.get("OP_CONNECT_TOKEN");
        if (env == null || env.isBlank()) {
          throw new ConfigurationException("No 1Password Connect token: set OP_CONNECT_TOKEN or call"
              + " OnePasswordConnectProvider.builder().token(...)");
        }
        t = SecretValue.ofString(env.strip());
      } else {
        t = t.copy();
      }
      return new OnePasswordConnectProvider(this, url, t);
    }
  }
}
