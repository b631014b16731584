package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.RetryAfter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the Connect provider: one OkHttp client with the bearer token, timeouts, no
 * silent OkHttp retries (Keyhole's Resilience4j wrapper retries), a debug log with redacted headers,
 * and Connect's error bodies mapped to Keyhole's typed errors.
 *
 * <p>Security: the token lives in a {@link SecretValue} and is revealed only to set the header of
 * each request; logs print {@code Authorization: ██}; error messages quote Connect's own {@code
 * message} only after removing the token, and never quote a non-JSON body.
 */
final class ConnectHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectHttp.class);
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final List<String> SENSITIVE_HEADERS =
      List.of("authorization", "proxy-authorization", "cookie", "set-cookie");

  private final HttpUrl base;
  private final SecretValue token;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock;

  ConnectHttp(HttpUrl base, SecretValue token, @Nullable OkHttpClient shared,
      java.time.Duration connect, java.time.Duration read, java.time.Duration call, Clock clock) {
    this.base = base;
    this.token = token;
    this.clock = clock;
    this.ownsClient = shared == null;
    OkHttpClient.Builder b = shared == null ? new OkHttpClient.Builder() : shared.newBuilder();
    this.client = b
        .connectTimeout(connect.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(read.toMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(read.toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(call.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .addInterceptor(this::authorize)
        .addInterceptor(ConnectHttp::log)
        .build();
  }

  HttpUrl.Builder url(String... segments) {
    HttpUrl.Builder b = base.newBuilder();
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b;
  }

  String host() {
    return base.toString();
  }

  private Response authorize(Interceptor.Chain chain) throws IOException {
    Request r = chain.request().newBuilder()
        .header("Authorization", "Bearer " + token.revealString())
        .header("User-Agent", "keyhole-1password")
        .build();
    return chain.proceed(r);
  }

  private static Response log(Interceptor.Chain chain) throws IOException {
    Request r = chain.request();
    long t0 = System.nanoTime();
    if (LOG.isTraceEnabled()) {
      LOG.trace("1Password Connect request {} {} headers [{}]", r.method(), r.url(), redacted(r.headers()));
    }
    try {
      Response resp = chain.proceed(r);
      LOG.debug("1Password Connect {} {} -> {} in {} ms", r.method(), r.url().encodedPath(),
          resp.code(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return resp;
    } catch (IOException e) {
      LOG.debug("1Password Connect {} {} failed after {} ms: {}", r.method(), r.url().encodedPath(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), e.getClass().getSimpleName());
      throw e;
    }
  }

  /** Header names and values, with the values of credential headers replaced. */
  static String redacted(Headers headers) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < headers.size(); i++) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String name = headers.name(i);
      sb.append(name).append(": ")
          .append(SENSITIVE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? "██" : headers.value(i));
    }
    return sb.toString();
  }

  /** GETs JSON. {@code what} names what is asked for, for error messages (no values). */
  JsonNode getJson(HttpUrl url, String what) {
    byte[] body = get(url, what, "application/json");
    try {
      JsonNode node = json.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new IOException("empty body");
      }
      return node;
    } catch (IOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " answered the"
          + " request for " + what + " with a body that is not Connect's JSON (" + body.length
          + " bytes); is OP_CONNECT_HOST pointing at a proxy or another service?");
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }

  /**
   * A JSON exchange for a writer: GET, POST or PUT. {@code doing} names the step for messages, e.g.
   * {@code "creating item 'app-env' in vault 'Dev'"}. The request body (which holds values) is
   * wiped after the call.
   */
  JsonNode exchange(String method, HttpUrl url, @Nullable JsonNode body, String doing) {
    byte[] bytes = null;
    try {
      bytes = body == null ? null : json.writeValueAsBytes(body);
      Request request = new Request.Builder().url(url).header("Accept", "application/json")
          .method(method, bytes == null ? null : RequestBody.create(bytes, JSON_TYPE)).build();
      try (Response resp = client.newCall(request).execute()) {
        ResponseBody rb = resp.body();
        byte[] out = rb.bytes();
        try {
          if (!resp.isSuccessful()) {
            throw writeError(resp.code(), out, rb.contentType(), doing, resp.header("Retry-After"));
          }
          if (out.length == 0) {
            return json.createObjectNode();
          }
          JsonNode node = json.readTree(out);
          if (node == null || node.isMissingNode()) {
            throw new ProviderUnavailableException("1Password Connect at " + host() + " answered"
                + " with an empty body while " + doing);
          }
          return node;
        } finally {
          Arrays.fill(out, (byte) 0);
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " answered with a"
          + " body that is not Connect's JSON while " + doing + "; is OP_CONNECT_HOST pointing at"
          + " a proxy or another service?");
    } catch (InterruptedIOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " timed out while "
          + doing + "; check that Connect is healthy, then re-run");
    } catch (IOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " could not be"
          + " reached (" + e.getClass().getSimpleName() + ") while " + doing + "; check"
          + " OP_CONNECT_HOST and that the Connect server is running");
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /** Maps a Connect error answer to a write step to a typed error. */
  private KeyholeException writeError(int code, byte[] body, @Nullable MediaType type, String doing,
      @Nullable String retryAfterHeader) {
    String detail = detail(code, body, type);
    Duration retryAfter = RetryAfter.parse(retryAfterHeader, clock).orElse(null);
    return switch (code) {
      case 401 -> new SecretAccessDeniedException("1Password Connect rejected the access token ("
          + detail + ") while " + doing + ". Check OP_CONNECT_TOKEN");
      case 403 -> new SecretAccessDeniedException("1Password Connect refused (" + detail + ") while "
          + doing + ": the token lacks write permission for this vault. Give it read and write"
          + " access in 1Password (Developer > Connect server > token)");
      case 404 -> new SecretNotFoundException("1Password Connect found nothing (" + detail
          + ") while " + doing + "; the vault or item no longer exists");
      case 429 -> new ProviderUnavailableException("1Password Connect is rate limiting requests ("
          + detail + ") while " + doing + "; try again"
          + (retryAfter == null ? " later" : " in " + retryAfter.toSeconds() + " s"), null, retryAfter);
      default -> code >= 500
          ? new ProviderUnavailableException("1Password Connect failed with a server error ("
              + detail + ") while " + doing + "; check the Connect server's logs and /health", null,
              retryAfter)
          : new KeyholeException("1Password Connect refused the request (" + detail + ") while "
              + doing, null, false);
    };
  }

  /** GETs raw bytes (file content). The caller owns and wipes the array. */
  byte[] getBytes(HttpUrl url, String what) {
    return get(url, what, "*/*");
  }

  /** GETs without interpreting the body (for the readiness check); the caller closes the response. */
  Response rawGet(HttpUrl url) throws IOException {
    return client.newCall(new Request.Builder().url(url).get().build()).execute();
  }

  private byte[] get(HttpUrl url, String what, String accept) {
    Request request = new Request.Builder().url(url).header("Accept", accept).get().build();
    try (Response resp = client.newCall(request).execute()) {
      ResponseBody rb = resp.body();
      byte[] body = rb.bytes();
      if (resp.isSuccessful()) {
        return body;
      }
      try {
        throw error(resp.code(), body, rb.contentType(), what, resp.header("Retry-After"));
      } finally {
        Arrays.fill(body, (byte) 0);
      }
    } catch (InterruptedIOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " timed out ("
          + Texts.sanitize(String.valueOf(e.getMessage()), 80, secrets()) + ") while reading " + what
          + "; it will be retried. Check that Connect is healthy, or raise the provider's timeouts");
    } catch (IOException e) {
      throw new ProviderUnavailableException("1Password Connect at " + host() + " could not be reached ("
          + e.getClass().getSimpleName() + ": " + Texts.sanitize(String.valueOf(e.getMessage()), 120, secrets())
          + ") while reading " + what + "; it will be retried. Check OP_CONNECT_HOST and that the"
          + " Connect server is running");
    }
  }

  private List<String> secrets() {
    try {
      return List.of(token.revealString());
    } catch (IllegalStateException destroyed) {
      return List.of();
    }
  }

  /**
   * Maps a Connect error answer to a typed error; a {@code Retry-After} on a 429 or 5xx answer
   * becomes the exception's {@link ProviderUnavailableException#retryAfter()}.
   */
  KeyholeException error(int code, byte[] body, @Nullable MediaType type, String what,
      @Nullable String retryAfterHeader) {
    String detail = detail(code, body, type);
    Duration retryAfter = RetryAfter.parse(retryAfterHeader, clock).orElse(null);
    String wait = retryAfter == null ? "" : " (Connect asked to wait " + retryAfter.toSeconds() + " s)";
    return switch (code) {
      case 401 -> new SecretAccessDeniedException("1Password Connect rejected the access token (" + detail
          + ") while reading " + what + ". Check OP_CONNECT_TOKEN: it must be a valid, unrevoked"
          + " access token of this Connect server");
      case 403 -> new SecretAccessDeniedException("1Password Connect refused the token access to "
          + what + " (" + detail + "). Give the token access to the vault in 1Password (Developer >"
          + " Connect server > token) or use a token that has it");
      case 404 -> new SecretNotFoundException("1Password Connect found no " + what + " (" + detail + ")");
      case 429 -> new ProviderUnavailableException("1Password Connect is rate limiting requests ("
          + detail + ") while reading " + what + "; it will be retried with backoff" + wait, null,
          retryAfter);
      default -> code >= 500
          ? new ProviderUnavailableException("1Password Connect failed with a server error (" + detail
              + ") while reading " + what + "; it will be retried" + wait + ". Check the Connect"
              + " server's logs and /health", null, retryAfter)
          : new KeyholeException("1Password Connect refused the request for " + what + " (" + detail
              + "); this is not retried", null, false);
    };
  }

  private String detail(int code, byte[] body, @Nullable MediaType type) {
    JsonNode n = null;
    if (body.length > 0) {
      try {
        n = json.readTree(body);
      } catch (IOException notJson) {
        // described below without quoting the body
      }
    }
    if (n != null && n.isObject()) {
      JsonNode m = n.path("message");
      return "HTTP " + code + (m.isTextual() && !m.asText().isBlank()
          ? ": " + Texts.sanitize(m.asText(), 200, secrets()) : " with a JSON body without a message");
    }
    String ct = type == null ? "no content type" : type.type() + "/" + type.subtype();
    return "HTTP " + code + " with " + (body.length == 0 ? "an empty body" : "a non-JSON body ("
        + ct + ", " + body.length + " bytes)");
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }
}
