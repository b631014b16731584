package dev.keyhole.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A WireMock response transformer that answers the AWS JSON 1.1 operations Keyhole uses from an
 * in-memory store, with the services' real response and error shapes: Secrets Manager {@code
 * GetSecretValue} and {@code BatchGetSecretValue}, SSM {@code GetParameter} and {@code
 * GetParameters}. Stubs route to it by
 * {@code X-Amz-Target}; tests of specific answers use plain stubs at a higher priority instead.
 */
final class FakeAwsServices implements ResponseDefinitionTransformerV2 {
  static final String NAME = "fake-aws";
  static final String ACCOUNT = "111122223333";
  static final String REGION = "us-east-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** One stored secret or parameter. */
  record Stored(String name, String arn, @Nullable String string, @Nullable String binaryBase64,
      String versionId, long version) {}

  private final Map<String, Stored> secrets = new ConcurrentHashMap<>();
  private final Map<String, Stored> parameters = new ConcurrentHashMap<>();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Set<String> throttled = ConcurrentHashMap.newKeySet();

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  Stored putSecret(String name, String value) {
    Stored s = new Stored(name, secretArn(name), value, null, UUID.randomUUID().toString(), 1);
    secrets.put(name, s);
    return s;
  }

  Stored putBinarySecret(String name, byte[] value) {
    Stored s = new Stored(name, secretArn(name), null, Base64.getEncoder().encodeToString(value),
        UUID.randomUUID().toString(), 1);
    secrets.put(name, s);
    return s;
  }

  Stored putParameter(String name, String value) {
    Stored old = parameters.get(name);
    Stored s = new Stored(name, "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter"
        + (name.startsWith("/") ? name : "/" + name), value, null, "", old == null ? 1 : old.version + 1);
    parameters.put(name, s);
    return s;
  }

  /** Forgets every secret, parameter and planted fault. */
  void clear() {
    secrets.clear();
    parameters.clear();
    denied.clear();
    throttled.clear();
  }

  /** Requests for {@code nameOrId} answer {@code AccessDeniedException}. */
  void deny(String nameOrId) {
    denied.add(nameOrId);
  }

  /** Requests for {@code nameOrId} answer {@code ThrottlingException}. */
  void throttle(String nameOrId) {
    throttled.add(nameOrId);
  }

  static String secretArn(String name) {
    StringBuilder suffix = new StringBuilder();
    int h = name.hashCode();
    for (int i = 0; i < 6; i++) {
      suffix.append(SUFFIX_CHARS.charAt(Math.floorMod(h >> (i * 5), SUFFIX_CHARS.length())));
    }
    return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-" + suffix;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    String target = event.getRequest().getHeader("X-Amz-Target");
    JsonNode body;
    try {
      body = JSON.readTree(event.getRequest().getBodyAsString());
    } catch (IOException e) {
      return error(400, "SerializationException", "Start of structure or map found where not expected.");
    }
    return switch (target == null ? "" : target) {
      case "secretsmanager.GetSecretValue" -> getSecretValue(body);
      case "secretsmanager.BatchGetSecretValue" -> batchGetSecretValue(body);
      case "AmazonSSM.GetParameter" -> getParameter(body);
      case "AmazonSSM.GetParameters" -> getParameters(body);
      default -> error(400, "UnknownOperationException", "Unknown operation " + target);
    };
  }

  private ResponseDefinition getSecretValue(JsonNode body) {
    String id = body.path("SecretId").asText();
    ResponseDefinition fault = faultFor(id);
    if (fault != null) {
      return fault;
    }
    Stored s = findSecret(id);
    if (s == null) {
      return error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return ok(secretJson(s));
  }

  private ResponseDefinition batchGetSecretValue(JsonNode body) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode errors = out.putArray("Errors");
    ArrayNode values = out.putArray("SecretValues");
    for (JsonNode idNode : body.path("SecretIdList")) {
      String id = idNode.asText();
      Stored s = findSecret(id);
      if (denied.contains(id)) {
        errors.addObject().put("ErrorCode", "AccessDeniedException")
            .put("Message", "User is not authorized to perform secretsmanager:GetSecretValue")
            .put("SecretId", id);
      } else if (s == null) {
        errors.addObject().put("ErrorCode", "ResourceNotFoundException")
            .put("Message", "Secrets Manager can't find the specified secret.").put("SecretId", id);
      } else {
        values.add(secretJson(s));
      }
    }
    return ok(out);
  }

  private ResponseDefinition getParameter(JsonNode body) {
    String requested = body.path("Name").asText();
    int colon = requested.startsWith("arn:") ? -1 : requested.indexOf(':');
    String name = colon < 0 ? requested : requested.substring(0, colon);
    ResponseDefinition fault = faultFor(name);
    if (fault != null) {
      return fault;
    }
    ObjectNode param = parameterJson(requested);
    if (param == null) {
      return error(400, "ParameterNotFound", null);
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("Parameter", param);
    return ok(out);
  }

  /**
   * {@code GetParameters}: found names in {@code Parameters}, the others (as requested) in {@code
   * InvalidParameters}; a denied or throttled name fails the whole call, as IAM and throttling do.
   */
  private ResponseDefinition getParameters(JsonNode body) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode found = out.putArray("Parameters");
    ArrayNode invalid = out.putArray("InvalidParameters");
    if (body.path("Names").size() > 10) {
      return error(400, "ValidationException", "1 validation error detected: Value at 'names'"
          + " failed to satisfy constraint: Member must have length less than or equal to 10");
    }
    for (JsonNode n : body.path("Names")) {
      String requested = n.asText();
      int colon = requested.startsWith("arn:") ? -1 : requested.indexOf(':');
      ResponseDefinition fault = faultFor(colon < 0 ? requested : requested.substring(0, colon));
      if (fault != null) {
        return fault;
      }
      ObjectNode param = parameterJson(requested);
      if (param == null) {
        invalid.add(requested);
      } else {
        found.add(param);
      }
    }
    return ok(out);
  }

  private @Nullable ObjectNode parameterJson(String requested) {
    int colon = requested.startsWith("arn:") ? -1 : requested.indexOf(':');
    String name = colon < 0 ? requested : requested.substring(0, colon);
    Stored p = parameters.get(name);
    if (p == null) {
      return null;
    }
    ObjectNode param = JSON.createObjectNode()
        .put("ARN", p.arn()).put("DataType", "text").put("LastModifiedDate", 1.7041104E9)
        .put("Name", p.name()).put("Type", "SecureString").put("Value", p.string())
        .put("Version", p.version());
    if (colon >= 0) {
      param.put("Selector", requested.substring(colon));
    }
    return param;
  }

  private @Nullable ResponseDefinition faultFor(String id) {
    if (denied.contains(id)) {
      return error(400, "AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT
          + ":user/keyhole is not authorized to perform this operation");
    }
    if (throttled.contains(id)) {
      return error(400, "ThrottlingException", "Rate exceeded");
    }
    return null;
  }

  private @Nullable Stored findSecret(String id) {
    Stored byName = secrets.get(id);
    if (byName != null) {
      return byName;
    }
    for (Stored s : secrets.values()) {
      if (s.arn().equals(id) || s.arn().startsWith(id + "-")) {
        return s;
      }
    }
    return null;
  }

  private static ObjectNode secretJson(Stored s) {
    ObjectNode o = JSON.createObjectNode().put("ARN", s.arn()).put("CreatedDate", 1.523477145713E9)
        .put("Name", s.name()).put("VersionId", s.versionId());
    if (s.string() != null) {
      o.put("SecretString", s.string());
    } else {
      o.put("SecretBinary", s.binaryBase64());
    }
    o.putArray("VersionStages").add("AWSCURRENT");
    return o;
  }

  static ResponseDefinition ok(JsonNode body) {
    return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
        .withBody(body.toString()).withHeaders(jsonHeaders()).build();
  }

  /** The JSON 1.1 error shape: {@code {"__type": code, "Message": text}}. */
  static ResponseDefinition error(int status, String code, @Nullable String message) {
    ObjectNode o = JSON.createObjectNode().put("__type", code);
    if (message != null) {
      o.put("Message", message);
    }
    return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
        .withBody(o.toString()).withHeaders(jsonHeaders()).build();
  }

  static HttpHeaders jsonHeaders() {
    return new HttpHeaders(
        new HttpHeader("Content-Type", "application/x-amz-json-1.1"),
        new HttpHeader("x-amzn-RequestId", UUID.randomUUID().toString()));
  }
}
