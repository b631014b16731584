package dev.keyhole.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Destination;
import dev.keyhole.HandleParameter;
import dev.keyhole.HostPattern;
import dev.keyhole.InvalidDestinationException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolExecution;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.keyhole.Use;
import dev.keyhole.internal.JsonHandles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Sends one HTTP request whose URL, header values and body may hold handles. The model sends
 *
 * <pre>{@code
 * {"method": "GET", "url": "https://api.github.com/user",
 *  "headers": {"Authorization": "Bearer secret://github_token"}}
 * }</pre>
 *
 * and gets back the status line, selected response headers and the body (capped), all redacted.
 *
 * <p>Rules, checked before any value is sent:
 *
 * <ul>
 *   <li>Every handle in the request resolves only if its grant lists this tool and the request's
 *       host in {@code destinations} (exact or {@code *.domain}); plain {@code http://} only to
 *       localhost/loopback and only when the grant sets {@code allowHttpLocalhost}. The task scope
 *       enforces this through the {@link ToolGuard}.
 *   <li>Handles may appear in the URL's path and query (the value is percent-encoded), in header
 *       values and in the body; never in the scheme, host, port or user-info, nor in the method or a
 *       header name. In a JSON body (an object or array, or text declared {@code application/json})
 *       values are put into the JSON tree, which is then serialized, so a value holding {@code "}
 *       or {@code \} stays one string; in a form body ({@code
 *       application/x-www-form-urlencoded}) they are percent-encoded.
 *   <li>Redirects are followed by the tool itself, at most {@link Builder#maxRedirects} times. A
 *       redirect to another destination (scheme, host or port: the one {@link Destination}
 *       parser) is checked against the grants again, as a
 *       new use of every handle of the request. When a grant does not allow the new host, the
 *       default ({@link CrossHostRedirect#REFUSE}) is to stop with a {@link
 *       PolicyViolationException} and send nothing there; {@link CrossHostRedirect#DROP_SECRETS}
 *       instead follows it without the headers that held handles (and refuses when the body held
 *       one and would be sent again). A redirect whose URL carries a live value is never followed
 *       to a host the value is not granted for.
 *   <li>A tool-level host allowlist ({@link Builder#allowedHosts}) can restrict every request, with
 *       or without handles.
 * </ul>
 *
 * <p>4xx and 5xx responses are normal results. Connection failures and timeouts are errors with a
 * message naming the host, never the URL's query or a value.
 *
 * <p>Security: values exist as {@code String}s only while the request is built and sent (the JDK
 * client needs them so). A response body with a {@code gzip} or {@code deflate} content coding is
 * decoded before it is redacted; one in a coding the tool cannot decode ({@code br}, ...) is not
 * shown. The response is redacted part by part before it is assembled and again as a whole by the
 * guard. Uses the JDK {@link HttpClient}, with its own redirect following disabled.
 */
public final class HttpTool implements AgentTool {
  /** The default tool name. */
  public static final String DEFAULT_NAME = "http_request";

  /** Response headers returned by default (lower case). */
  public static final List<String> DEFAULT_RESPONSE_HEADERS = List.of("content-type",
      "content-length", "location", "retry-after", "etag", "last-modified", "link",
      "www-authenticate", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset");

  /** What to do when a redirect leads where the request's handles may not go. */
  public enum CrossHostRedirect {
    /** Stop with a {@link PolicyViolationException}; nothing is sent to the new host. Default. */
    REFUSE,
    /** Follow without the headers that held handles; refuse when the body held one. */
    DROP_SECRETS
  }

  private static final Set<String> FIELDS = Set.of("method", "url", "headers", "body");
  private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
  private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "connection",
      "content-length", "expect", "upgrade", "transfer-encoding", "te", "trailer", "keep-alive",
      "proxy-authorization", "proxy-connection");
  private static final String PLACEHOLDER = "keyholehandleplaceholder";
  /** Content codings the tool decodes before redaction (others are not shown). */
  private static final Set<String> DECODABLE = Set.of("gzip", "x-gzip", "deflate");

  private final String name;
  private final HttpClient client;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final int maxRequestBodyChars;
  private final int maxRedirects;
  private final Set<String> methods;
  private final List<String> responseHeaders;
  private final List<HostPattern> allowedHosts;
  private final CrossHostRedirect crossHostRedirect;

  private HttpTool(Builder b, HttpClient client) {
    this.name = b.name;
    this.client = client;
    this.timeout = b.timeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.maxRequestBodyChars = b.maxRequestBodyChars;
    this.maxRedirects = b.maxRedirects;
    this.methods = Set.copyOf(b.methods);
    this.responseHeaders = List.copyOf(b.responseHeaders);
    this.allowedHosts = List.copyOf(b.allowedHosts);
    this.crossHostRedirect = b.crossHostRedirect;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A tool with default settings. */
  public static HttpTool create() {
    return builder().build();
  }

  @Override
  public String name() {
    return name;
  }

  public CrossHostRedirect crossHostRedirect() {
    return crossHostRedirect;
  }

  @Override
  public String description(TaskScope task) {
    return "Sends an HTTP request and returns the status, selected headers and the body (at most "
        + maxResponseBytes + " bytes). Put secrets in the URL path/query, header values or body as"
        + " handles, e.g. {\"Authorization\": \"Bearer secret://name\"}: the real value is sent only"
        + " to hosts its grant allows, and you never see it. Methods: " + methods + "."
        + (allowedHosts.isEmpty() ? "" : " Hosts: " + allowedHosts + ".")
        + " Handles this tool may use:" + Args.handleList(task, name);
  }

  @Override
  public ObjectNode parametersSchema() {
    ObjectNode s = Args.JSON.createObjectNode();
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    ObjectNode m = props.putObject("method");
    m.put("type", "string");
    m.put("description", "HTTP method (default GET).");
    methods.stream().sorted().forEach(m.putArray("enum")::add);
    props.set("url", Args.stringSchema("Absolute https:// URL; handles allowed in path and query."));
    ObjectNode h = props.putObject("headers");
    h.put("type", "object");
    h.put("description", "Request headers; values may hold handles, e.g. \"Bearer secret://name\".");
    h.putObject("additionalProperties").put("type", "string");
    props.set("body", Args.stringSchema("Request body text (JSON, form, ...); may hold handles."));
    s.putArray("required").add("url");
    return s;
  }

  /**
   * Declares this tool's destination on a guard builder, so the task scope checks each handle's
   * destinations and transport against the request URL, and validates the arguments first. Needed
   * only when you run {@link #run} through your own guard.
   */
  @Override
  public ToolGuard.Builder configure(ToolGuard.Builder guard) {
    return guard
        .handleParameter(name, HandleParameter.of("url").embedded(true))
        .handleParameter(name, HandleParameter.of("headers").embedded(true))
        .handleParameter(name, HandleParameter.of("body").embedded(true))
        .destination(name, tree -> Optional.of(parse(tree.toString()).url));
  }

  @Override
  public String call(TaskScope task, String argumentsJson) {
    return Args.guardedCall(this, task, argumentsJson, this::parse);
  }

  /** A validated request, still holding handles. */
  private static final class Request {
    String method = "GET";
    String url = "";
    URI template = URI.create("https://x/");
    final Map<String, String> headers = new LinkedHashMap<>();
    @Nullable String body;
    /** Whether the body was given as a JSON object or array (the tool adds the content type). */
    boolean jsonBody;
    /** The body as a JSON tree when it is JSON: handles are substituted inside string values. */
    @Nullable JsonNode bodyTree;
    /** Whether the body is a URL-encoded form: values are percent-encoded when substituted. */
    boolean formBody;
  }

  private Request parse(String argumentsJson) {
    Args args = Args.parse(name, argumentsJson, FIELDS);
    Request r = new Request();
    String method = args.optionalText("method").orElse("GET").strip().toUpperCase(Locale.ROOT);
    args.noHandles("method", method, "use a plain HTTP method such as GET or POST");
    if (!methods.contains(method)) {
      throw new ToolArgumentsException("Tool '" + name + "' does not send method '"
          + Args.abbreviate(method) + "'; it sends " + methods);
    }
    r.method = method;
    r.url = args.text("url").strip();
    r.template = parseUrl(r.url);
    for (Map.Entry<String, String> e : args.stringMap("headers").entrySet()) {
      String n = e.getKey();
      args.noHandles("headers", n, "handles are allowed in header values only");
      if (!TOKEN.matcher(n).matches()) {
        throw new ToolArgumentsException("Header name '" + Args.abbreviate(n) + "' is not a valid"
            + " HTTP header name");
      }
      if (RESTRICTED_HEADERS.contains(n.toLowerCase(Locale.ROOT))) {
        throw new ToolArgumentsException("Header '" + n + "' is set by the HTTP client and may not"
            + " be given; remove it");
      }
      if (e.getValue().indexOf('\r') >= 0 || e.getValue().indexOf('\n') >= 0) {
        throw new ToolArgumentsException("Header '" + n + "' has a line break in its value; header"
            + " values are one line");
      }
      r.headers.put(n, e.getValue());
    }
    JsonNode body = args.node().get("body");
    if (body != null && !body.isNull()) {
      if (body.isTextual()) {
        r.body = body.textValue();
      } else if (body.isContainerNode()) {
        r.body = body.toString();
        r.jsonBody = true;
      } else {
        throw new ToolArgumentsException("Argument 'body' of tool '" + name + "' must be a string"
            + " or a JSON object/array");
      }
      if (r.body.length() > maxRequestBodyChars) {
        throw new ToolArgumentsException("Request body is longer than " + maxRequestBodyChars
            + " characters");
      }
      if (BODYLESS.contains(method) && !r.body.isEmpty()) {
        throw new ToolArgumentsException("A " + method + " request has no body; use POST, PUT or"
            + " PATCH to send one");
      }
      bodyKind(r, body);
    }
    return r;
  }

  /**
   * How handles in the body are filled in: inside the JSON tree (then serialized, so a value with
   * {@code "} or {@code \} stays one string), percent-encoded in a form, or as text otherwise.
   */
  private void bodyKind(Request r, JsonNode body) {
    String type = r.headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(
        "content-type")).map(e -> e.getValue().toLowerCase(Locale.ROOT)).findFirst().orElse("");
    if (body.isContainerNode()) {
      r.bodyTree = body;
      return;
    }
    String text = String.valueOf(r.body);
    boolean declaredJson = type.contains("json");
    if (declaredJson || (type.isEmpty() && SecretHandle.containsToken(text))) {
      try {
        JsonNode tree = Args.JSON.readTree(text);
        if (tree != null && (tree.isContainerNode() || declaredJson)) {
          r.bodyTree = tree;
          return;
        }
      } catch (JsonProcessingException e) {
        if (declaredJson) {
          throw new ToolArgumentsException("The body is declared as JSON (" + type + ") but is not"
              + " valid JSON (" + e.getOriginalMessage().replaceAll("\\s+", " ") + "); send a"
              + " JSON object as 'body', or fix the text");
        }
      }
    }
    r.formBody = type.startsWith("application/x-www-form-urlencoded");
  }

  /** The body to send, with the handles filled in according to its kind. */
  private static String fill(Request r, String body, Function<SecretHandle, String> reveal) {
    if (r.bodyTree != null) {
      try {
        return Args.JSON.writeValueAsString(JsonHandles.substitute(r.bodyTree, reveal));
      } catch (JsonProcessingException e) {
        throw new ToolArgumentsException("The JSON body could not be written: "
            + e.getClass().getSimpleName());
      }
    }
    if (r.formBody) {
      return JsonHandles.substitute(body,
          h -> URLEncoder.encode(reveal.apply(h), StandardCharsets.UTF_8));
    }
    return JsonHandles.substitute(body, reveal);
  }

  /** Parses the URL template; handles may sit only in path and query. */
  private URI parseUrl(String url) {
    String probe = JsonHandles.substitute(url, h -> PLACEHOLDER);
    URI u;
    try {
      u = new URI(probe);
    } catch (URISyntaxException e) {
      throw new ToolArgumentsException("URL '" + Args.abbreviate(redactQuery(url)) + "' is not a"
          + " valid URL (" + e.getReason() + "); send an absolute https:// URL, percent-encoded");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new ToolArgumentsException("URL scheme '" + Args.abbreviate(scheme) + "' is not"
          + " supported; send an absolute https:// URL");
    }
    String authority = u.getRawAuthority() == null ? "" : u.getRawAuthority();
    if (authority.toLowerCase(Locale.ROOT).contains(PLACEHOLDER)) {
      throw new ToolArgumentsException("A handle may not appear in the host, port or user-info of"
          + " the URL; put it in a header (e.g. Authorization) or in the path or query");
    }
    if (u.getRawUserInfo() != null) {
      throw new ToolArgumentsException("URLs with user-info (user@host) are not supported; send"
          + " credentials in a header");
    }
    if (u.getHost() == null) {
      throw new ToolArgumentsException("URL '" + Args.abbreviate(redactQuery(url)) + "' has no"
          + " host; send an absolute https:// URL");
    }
    if (u.getRawFragment() != null && u.getRawFragment().contains(PLACEHOLDER)) {
      throw new ToolArgumentsException("A handle in the URL fragment is never sent; remove it");
    }
    checkAllowedHost(target(u));
    return u;
  }

  private void checkAllowedHost(Destination to) {
    if (allowedHosts.isEmpty()) {
      return;
    }
    for (HostPattern p : allowedHosts) {
      if (p.matches(to)) {
        return;
      }
    }
    throw new PolicyViolationException(PolicyViolationException.Reason.DESTINATION_NOT_ALLOWED,
        "Tool '" + name + "' may not reach " + to + "; it reaches only " + allowedHosts);
  }

  /** Where a URI goes, as policy sees it: the one {@link Destination} parser. */
  private static Destination target(URI uri) {
    try {
      return Destination.of(uri);
    } catch (InvalidDestinationException e) {
      throw new ToolArgumentsException(String.valueOf(e.getMessage()));
    }
  }

  /**
   * The tool body, for use inside a {@link ToolGuard} built with {@link #configure}: sends the
   * request with the resolved values and follows redirects under policy.
   */
  @Override
  public String run(ToolInvocation invocation) {
    Request r = parse(invocation.originalArguments());
    TaskScope task = invocation.task();
    Redactor redactor = task.redactor();
    Map<SecretHandle, SecretValue> values = new HashMap<>(invocation.secrets());
    Set<SecretHandle> handles = values.keySet();
    Set<SecretHandle> inBody = new LinkedHashSet<>();
    if (r.body != null) {
      JsonHandles.addFrom(r.body, inBody);
    }
    List<SecretValue> extra = new ArrayList<>();
    Map<SecretHandle, String> plain = new HashMap<>();
    List<String> notes = new ArrayList<>();
    try {
      URI uri = URI.create(JsonHandles.substitute(r.url,
          h -> URLEncoder.encode(reveal(values, plain, h), StandardCharsets.UTF_8).replace("+", "%20")));
      Destination first = target(r.template);
      if (!target(uri).equals(first)) {
        throw new ToolArgumentsException("The URL's host changed when handles were filled in; keep"
            + " handles in the path or query");
      }
      if (!handles.isEmpty()) {
        requireCheckedFor(first);
      }
      Set<Destination> granted = new LinkedHashSet<>();
      granted.add(first);
      String method = r.method;
      @Nullable String body = r.body;
      boolean dropHeaders = false;
      for (int hop = 0; ; hop++) {
        Destination target = target(uri);
        if (!handles.isEmpty() && !granted.contains(target) && !dropHeaders) {
          try {
            Map<SecretHandle, SecretValue> again = task.resolveAll(handles,
                Use.byTool(name).withDestination(target)
                    .withArguments(redactor.redact(invocation.originalArguments())));
            extra.addAll(again.values());
            granted.add(target);
          } catch (PolicyViolationException e) {
            if (crossHostRedirect == CrossHostRedirect.REFUSE
                || (body != null && !inBody.isEmpty())) {
              throw new PolicyViolationException(e.reason(), "The request to " + first
                  + " was redirected to " + target + ", where " + handles
                  + " may not be sent; the redirect was not followed and nothing was sent there. "
                  + e.getMessage());
            }
            dropHeaders = true;
            notes.add("dropped header(s) " + headerNames(r.headers) + " on the redirect"
                + " to " + target + ": they held handles not granted for that host");
          }
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
        for (Map.Entry<String, String> h : r.headers.entrySet()) {
          boolean secretHeader = SecretHandle.containsToken(h.getValue());
          if (dropHeaders && secretHeader) {
            continue;
          }
          String v = secretHeader
              ? JsonHandles.substitute(h.getValue(), x -> reveal(values, plain, x)) : h.getValue();
          try {
            rb.header(h.getKey(), v);
          } catch (IllegalArgumentException e) {
            throw new ToolArgumentsException("Header '" + h.getKey() + "' has a value the HTTP"
                + " client refuses (control characters, possibly inside a secret value)");
          }
        }
        if (body != null && r.jsonBody && r.headers.keySet().stream()
            .noneMatch(k -> k.equalsIgnoreCase("content-type"))) {
          rb.header("Content-Type", "application/json");
        }
        String sent = body == null ? null : fill(r, body, x -> reveal(values, plain, x));
        rb.method(method, sent == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(sent));
        HttpResponse<InputStream> resp = send(rb.build(), target, uri, redactor);
        int status = resp.statusCode();
        Optional<String> location = resp.headers().firstValue("location");
        if (isRedirect(status) && location.isPresent()) {
          URI next;
          try {
            next = uri.resolve(new URI(location.get().strip()));
          } catch (URISyntaxException | IllegalArgumentException e) {
            close(resp);
            notes.add("not followed: the redirect's Location is not a valid URL");
            return format(resp, status, notes, redactor, false);
          }
          String nextScheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
          if ((!nextScheme.equals("http") && !nextScheme.equals("https")) || next.getHost() == null) {
            close(resp);
            notes.add("not followed: the redirect leads to a non-http(s) URL");
            return format(resp, status, notes, redactor, false);
          }
          if (hop >= maxRedirects) {
            close(resp);
            notes.add("stopped after " + maxRedirects + " redirects; the last one was not followed");
            return format(resp, status, notes, redactor, false);
          }
          Destination nextTarget;
          try {
            nextTarget = Destination.of(next);
          } catch (InvalidDestinationException e) {
            close(resp);
            notes.add("not followed: the redirect's URL has an ambiguous or invalid host");
            return format(resp, status, notes, redactor, false);
          }
          if (!granted.contains(nextTarget) && redactor.containsSecret(next.toString())) {
            close(resp);
            throw new PolicyViolationException(
                PolicyViolationException.Reason.DESTINATION_NOT_ALLOWED, "The request to " + first
                    + " was redirected to " + nextTarget + " with a secret value in the redirect"
                    + " URL; the redirect was not followed");
          }
          checkAllowedHost(nextTarget);
          close(resp);
          notes.add("followed redirect " + status + " to " + nextTarget + shortPath(next));
          if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
            method = method.equals("HEAD") ? "HEAD" : "GET";
            body = null;
          }
          uri = next;
          continue;
        }
        return format(resp, status, notes, redactor, true);
      }
    } finally {
      extra.forEach(SecretValue::destroy);
      plain.clear();
    }
  }

  /** Fails closed unless the guard that resolved the values checked them for {@code target}. */
  private void requireCheckedFor(Destination target) {
    Use use = ToolExecution.current().map(ToolExecution::use).orElse(null);
    if (use == null || !target.equals(use.destination())) {
      throw new ConfigurationException("Tool '" + name + "' ran in a guard that did not check its"
          + " destination; build the guard with HttpTool.configure(...) or use HttpTool.call");
    }
  }

  private static String reveal(Map<SecretHandle, SecretValue> values,
      Map<SecretHandle, String> plain, SecretHandle h) {
    return plain.computeIfAbsent(h, x -> {
      SecretValue v = values.get(x);
      if (v == null) {
        throw new KeyholeException("Handle " + x + " was not resolved for this call");
      }
      return v.revealString();
    });
  }

  private static String headerNames(Map<String, String> headers) {
    List<String> out = new ArrayList<>();
    headers.forEach((k, v) -> {
      if (SecretHandle.containsToken(v)) {
        out.add(k);
      }
    });
    return out.toString();
  }

  private HttpResponse<InputStream> send(HttpRequest req, Destination target, URI uri,
      Redactor redactor) {
    String where = target.host() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    try {
      return client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw new KeyholeException("Connecting to " + where + " timed out; check the host or retry",
          null, true);
    } catch (HttpTimeoutException e) {
      throw new KeyholeException("The request to " + where + " timed out after "
          + timeout.toSeconds() + " s", null, true);
    } catch (ConnectException e) {
      throw new KeyholeException("Could not connect to " + where + " (connection refused or"
          + " unreachable)", null, true);
    } catch (IOException e) {
      throw new KeyholeException("The request to " + where + " failed: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
              : ": " + redactor.redact(redactQuery(e.getMessage()))), null, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyholeException("Interrupted while sending the request to " + where);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static void close(HttpResponse<InputStream> resp) {
    try {
      resp.body().close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private String format(HttpResponse<InputStream> resp, int status, List<String> notes,
      Redactor redactor, boolean readBody) {
    StringBuilder sb = new StringBuilder("HTTP ").append(status).append('\n');
    for (String n : notes) {
      sb.append("[keyhole: ").append(redactor.redact(n)).append("]\n");
    }
    Map<String, List<String>> all = resp.headers().map();
    for (String wanted : responseHeaders) {
      for (Map.Entry<String, List<String>> e : all.entrySet()) {
        if (e.getKey().equalsIgnoreCase(wanted)) {
          String v = String.join(", ", e.getValue());
          if (wanted.equals("location")) {
            v = redactQuery(v);
          }
          sb.append(wanted).append(": ").append(redactor.redact(v)).append('\n');
        }
      }
    }
    sb.append('\n');
    if (!readBody) {
      return sb.toString();
    }
    List<String> encodings = contentEncodings(resp);
    for (String enc : encodings) {
      if (!DECODABLE.contains(enc)) {
        close(resp);
        sb.append("[keyhole: the body is ").append(Args.abbreviate(enc)).append("-encoded, which"
            + " Keyhole cannot decode; it is not shown, because a value in it could not be"
            + " redacted. Ask for it without Accept-Encoding]\n");
        return sb.toString();
      }
    }
    byte[] bytes;
    List<Inflater> inflaters = new ArrayList<>();
    try (InputStream in = decoded(resp.body(), encodings, inflaters)) {
      bytes = in.readNBytes(maxResponseBytes + 1);
    } catch (IOException e) {
      sb.append("[keyhole: reading ").append(encodings.isEmpty() ? "" : "and decoding " + encodings
          + " ").append("the body failed (").append(e.getClass().getSimpleName())
          .append("); it is not shown]\n");
      return sb.toString();
    } finally {
      inflaters.forEach(Inflater::end);
    }
    boolean truncated = bytes.length > maxResponseBytes;
    int n = Math.min(bytes.length, maxResponseBytes);
    String type = resp.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
    if (n > 0 && isBinary(type)) {
      sb.append("[keyhole: ").append(truncated ? "more than " + maxResponseBytes : n)
          .append(" bytes of ").append(type).append(" not shown]\n");
      return sb.toString();
    }
    String text = new String(bytes, 0, n, charsetOf(type));
    sb.append(redactor.redact(text));
    if (truncated) {
      sb.append("\n[keyhole: body truncated after ").append(maxResponseBytes).append(" bytes")
          .append(resp.headers().firstValue("content-length").map(l -> " of " + l).orElse(""))
          .append("]");
    }
    return sb.toString();
  }

  /** The response's content codings, in the order they were applied, without {@code identity}. */
  private static List<String> contentEncodings(HttpResponse<InputStream> resp) {
    List<String> out = new ArrayList<>();
    for (String v : resp.headers().allValues("content-encoding")) {
      for (String e : v.split(",", -1)) {
        String t = e.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && !t.equals("identity")) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /**
   * The body decoded (the last coding applied is undone first), so that the redactor sees the text
   * a model could otherwise decompress itself. {@code deflate} is zlib-wrapped per RFC 9110, or raw
   * deflate as some servers send it.
   */
  private static InputStream decoded(InputStream body, List<String> encodings,
      List<Inflater> inflaters) throws IOException {
    InputStream in = body;
    for (int i = encodings.size() - 1; i >= 0; i--) {
      if (encodings.get(i).equals("deflate")) {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(2);
        int b0 = b.read();
        int b1 = b.read();
        b.reset();
        boolean zlib = b0 >= 0 && b1 >= 0 && (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
        Inflater inflater = new Inflater(!zlib);
        inflaters.add(inflater);
        in = new InflaterInputStream(b, inflater);
      } else {
        in = new GZIPInputStream(in);
      }
    }
    return in;
  }

  private static boolean isBinary(String type) {
    return type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")
        || type.startsWith("font/") || type.startsWith("application/octet-stream")
        || type.startsWith("application/zip") || type.startsWith("application/gzip")
        || type.startsWith("application/pdf");
  }

  private static Charset charsetOf(String contentType) {
    Matcher m = Pattern.compile("charset=\"?([A-Za-z0-9._:-]+)").matcher(contentType);
    if (m.find()) {
      try {
        return Charset.forName(m.group(1));
      } catch (IllegalArgumentException e) {
        return StandardCharsets.UTF_8;
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** A URL without its query (which may carry values in an encoding the redactor misses). */
  private static String redactQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?...";
  }

  private static String shortPath(URI uri) {
    String p = uri.getRawPath() == null ? "" : uri.getRawPath();
    return (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + p
        + (uri.getRawQuery() == null ? "" : "?...");
  }

  @Override
  public String toString() {
    return "HttpTool[" + name + ", redirects=" + maxRedirects + " " + crossHostRedirect + "]";
  }

  /** Builds an {@link HttpTool}. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private @Nullable HttpClient client;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private int maxResponseBytes = 65_536;
    private int maxRequestBodyChars = 1_048_576;
    private int maxRedirects = 5;
    private final Set<String> methods =
        new LinkedHashSet<>(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
    private final List<String> responseHeaders = new ArrayList<>(DEFAULT_RESPONSE_HEADERS);
    private final List<HostPattern> allowedHosts = new ArrayList<>();
    private CrossHostRedirect crossHostRedirect = CrossHostRedirect.REFUSE;

    private Builder() {}

    /** The tool's name (what grants list in {@code tools}); default {@value #DEFAULT_NAME}. */
    public Builder name(String toolName) {
      this.name = Objects.requireNonNull(toolName, "toolName");
      return this;
    }

    /**
     * The JDK client to send with (proxy, TLS, executor). It must not follow redirects itself
     * ({@link HttpClient.Redirect#NEVER}), because this tool checks each redirect against policy.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.client = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Timeout of each request, response headers included (default 30 s). */
    public Builder timeout(Duration limit) {
      this.timeout = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Connect timeout of the default client (default 10 s). */
    public Builder connectTimeout(Duration limit) {
      this.connectTimeout = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** The most response body bytes returned (default 65536); the rest is cut with a marker. */
    public Builder maxResponseBytes(int bytes) {
      this.maxResponseBytes = bytes;
      return this;
    }

    public Builder maxRequestBodyChars(int chars) {
      this.maxRequestBodyChars = chars;
      return this;
    }

    /** How many redirects are followed (default 5; 0 returns the redirect response itself). */
    public Builder maxRedirects(int count) {
      this.maxRedirects = count;
      return this;
    }

    /** Replaces the allowed methods (default GET, HEAD, POST, PUT, PATCH, DELETE). */
    public Builder methods(String... allowed) {
      methods.clear();
      for (String m : allowed) {
        methods.add(m.toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /** Replaces the response headers returned to the model (see {@link #DEFAULT_RESPONSE_HEADERS}). */
    public Builder responseHeaders(String... names) {
      responseHeaders.clear();
      for (String n : names) {
        responseHeaders.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Restricts every request (with or without handles) to these hosts; default: any host. */
    public Builder allowedHosts(String... hostPatterns) {
      for (String p : hostPatterns) {
        allowedHosts.add(HostPattern.parse(p));
      }
      return this;
    }

    /** What happens on a redirect to a host the request's handles may not go to. */
    public Builder crossHostRedirect(CrossHostRedirect mode) {
      this.crossHostRedirect = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ConfigurationException for non-positive limits, an empty method list, or a client
     *     that follows redirects
     */
    public HttpTool build() {
      if (maxResponseBytes < 1 || maxRequestBodyChars < 0 || maxRedirects < 0
          || timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("HTTP tool limits must be positive (response bytes,"
            + " timeout) or zero or more (request body, redirects)");
      }
      if (methods.isEmpty()) {
        throw new ConfigurationException("HTTP tool '" + name + "' allows no methods");
      }
      HttpClient c = client;
      if (c == null) {
        c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout).build();
      } else if (c.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new ConfigurationException("The HttpClient given to HTTP tool '" + name + "' follows"
            + " redirects itself; build it with followRedirects(HttpClient.Redirect.NEVER) so that"
            + " every redirect is checked against policy");
      }
      return new HttpTool(this, c);
    }
  }
}
