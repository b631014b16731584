package dev.keyhole.cli.migrate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * AWS Secrets Manager through the AWS SDK v2 client. Two layouts:
 *
 * <ul>
 *   <li>{@code PER_FILE} (default): one secret per file, named {@code PREFIX + ITEM}, whose value is
 *       a JSON object of key to value; references {@code aws-sm:PREFIX+ITEM#KEY}. An existing secret
 *       is updated with {@code PutSecretValue}, keeping keys it already had; one API call per file,
 *       so a file's values are stored all together or not at all.
 *   <li>{@code PER_KEY}: one secret per key, named {@code PREFIX + ITEM/KEY}, holding the plain
 *       value; references {@code aws-sm:PREFIX+ITEM/KEY}. A failure part-way leaves earlier keys
 *       stored (reported) and the file untouched.
 * </ul>
 *
 * Each secret is looked up with {@code DescribeSecret}: missing ones are created with
 * {@code CreateSecret} (tagged {@code managed-by=keyhole}), existing ones get a new version with
 * {@code PutSecretValue}; a secret scheduled for deletion is refused with the command that restores
 * it.
 */
final class AwsSecretsManagerStore implements SecretStore {
  enum Layout { PER_FILE, PER_KEY }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<SecretsManagerClient> clientFactory;
  private SecretsManagerClient client;
  private final Layout layout;
  private final String prefix;
  private final String where;

  /** {@code clientFactory} is called on the first write, so a dry run needs no AWS setup. */
  AwsSecretsManagerStore(Supplier<SecretsManagerClient> clientFactory, Layout layout, String prefix,
      String where) {
    this.clientFactory = clientFactory;
    this.layout = layout;
    this.prefix = prefix;
    this.where = where;
  }

  String secretName(String item, String key) {
    return layout == Layout.PER_FILE ? prefix + item : prefix + item + "/" + key;
  }

  @Override
  public String describe() {
    return "AWS Secrets Manager (" + where + "), "
        + (layout == Layout.PER_FILE ? "one JSON secret per file" : "one secret per key")
        + (prefix.isEmpty() ? "" : ", names prefixed '" + prefix + "'");
  }

  @Override
  public String reference(String item, String key) {
    return layout == Layout.PER_FILE ? "aws-sm:" + prefix + item + "#" + key
        : "aws-sm:" + prefix + item + "/" + key;
  }

  private SecretsManagerClient client() throws StoreException {
    if (client == null) {
      try {
        client = clientFactory.get();
      } catch (RuntimeException e) {
        throw new StoreException(e instanceof dev.keyhole.cli.CliException ? e.getMessage()
            : "Cannot set up the AWS client (" + e.getClass().getSimpleName() + ")");
      }
    }
    return client;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    SecretsManagerClient client = client();
    String description = "Moved by keyhole migrate from " + plan.relativePath();
    if (layout == Layout.PER_FILE) {
      String name = prefix + plan.item();
      upsert(client, name, description, existing -> {
        ObjectNode obj = JSON.createObjectNode();
        if (existing != null) {
          JsonNode old;
          try {
            old = JSON.readTree(existing);
          } catch (JsonProcessingException e) {
            old = null;
          }
          if (old == null || !old.isObject()) {
            throw new StoreException("Secret '" + name + "' exists and its value is not a JSON"
                + " object, so keys cannot be added to it; choose another name with --item or"
                + " --aws-prefix, or use --aws-layout per-key");
          }
          obj.setAll((ObjectNode) old);
        }
        for (Move m : plan.moves()) {
          obj.put(m.key(), m.value());
        }
        return obj.toString();
      }, List.of());
      return;
    }
    List<String> stored = new ArrayList<>();
    for (Move m : plan.moves()) {
      upsert(client, prefix + plan.item() + "/" + m.key(), description + " (" + m.key() + ")",
          existing -> m.value(), stored);
      stored.add(m.key());
    }
  }

  /** Computes the new secret string from the current one (null when the secret is new). */
  private interface Value {
    String compute(String current) throws StoreException;
  }

  private void upsert(SecretsManagerClient client, String name, String description, Value value,
      List<String> storedSoFar) throws StoreException {
    try {
      DescribeSecretResponse d;
      try {
        d = client.describeSecret(r -> r.secretId(name));
      } catch (ResourceNotFoundException e) {
        d = null;
      }
      if (d == null) {
        String v = value.compute(null);
        try {
          client.createSecret(r -> r.name(name).description(description).secretString(v)
              .tags(Tag.builder().key("managed-by").value("keyhole").build()));
          return;
        } catch (ResourceExistsException raced) {
          // created concurrently: fall through to a new version
        }
      } else if (d.deletedDate() != null) {
        throw new StoreException("Secret '" + name + "' is scheduled for deletion; restore it with"
            + " 'aws secretsmanager restore-secret --secret-id " + name + "' or choose another name",
            storedSoFar);
      }
      String current = null;
      if (layout == Layout.PER_FILE) {
        current = client.getSecretValue(r -> r.secretId(name)).secretString();
      }
      String v = value.compute(current);
      client.putSecretValue(r -> r.secretId(name).secretString(v));
    } catch (StoreException e) {
      throw e.storedKeys().isEmpty() && !storedSoFar.isEmpty()
          ? new StoreException(e.getMessage(), storedSoFar) : e;
    } catch (SecretsManagerException e) {
      String code = e.awsErrorDetails() == null ? "error" : e.awsErrorDetails().errorCode();
      String msg = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
      throw new StoreException("AWS Secrets Manager refused '" + name + "': " + code
          + " (HTTP " + e.statusCode() + ")" + (msg == null ? "" : ": " + msg)
          + hint(code), storedSoFar);
    } catch (SdkClientException e) {
      throw new StoreException("Cannot reach AWS Secrets Manager (" + where + ") for '" + name
          + "': " + e.getClass().getSimpleName() + "; check the region, endpoint, network and"
          + " credentials", storedSoFar);
    }
  }

  private static String hint(String code) {
    return switch (code) {
      case "AccessDeniedException" -> "; grant secretsmanager:DescribeSecret, CreateSecret,"
          + " GetSecretValue and PutSecretValue on these secrets";
      case "UnrecognizedClientException", "InvalidSignatureException",
          "ExpiredTokenException" -> "; check your AWS credentials";
      default -> "";
    };
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "AwsSecretsManagerStore[" + layout + ", " + where + "]";
  }
}
