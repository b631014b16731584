package dev.keyhole.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.KeyholeException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretValue;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Writes secrets into AWS Secrets Manager: the write side next to {@link SecretsManagerProvider},
 * used by {@code keyhole migrate --to aws-sm}. Each call is one value written, all or nothing.
 *
 * <pre>{@code
 * try (SecretsManagerWriter writer = SecretsManagerWriter.builder().options(aws).build()) {
 *   writer.putJsonKeys("prod/app-env", Map.of("GITHUB_TOKEN", token), "Moved from .env");
 * }   // reference: aws-sm:prod/app-env#GITHUB_TOKEN
 * }</pre>
 *
 * <p>A secret is looked up with {@code DescribeSecret}: a missing one is created with {@code
 * CreateSecret} and tagged {@value #MANAGED_BY_TAG}={@value #MANAGED_BY_VALUE}; an existing one gets
 * a new version with {@code PutSecretValue}; one scheduled for deletion is refused with the command
 * that restores it. Errors are Keyhole's typed errors, mapped as for reading (denied, throttled,
 * ...), and name the IAM permissions writing needs.
 *
 * <p>Security: values are taken as {@link SecretValue}s and sent only in the write request; the
 * SDK needs them as {@code String}s, which the JVM cannot wipe. Messages name the secret, the AWS
 * error code and request id, never a value or AWS's own message text. Thread-safe.
 */
public final class SecretsManagerWriter implements AutoCloseable {
  /** The tag key put on secrets the writer creates. */
  public static final String MANAGED_BY_TAG = "managed-by";
  /** The tag value put on secrets the writer creates. */
  public static final String MANAGED_BY_VALUE = "keyhole";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegionalClients<SecretsManagerClient> clients;

  private SecretsManagerWriter(Builder b) {
    this.clients = RegionalClients.of(AwsErrors.Service.SECRETS_MANAGER_WRITE, b.client, b.options,
        SecretsManagerClient::builder);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sets {@code entries} as top-level keys of the JSON-object secret {@code name}: creates it, or
   * adds a version that keeps the keys it already had. One write.
   *
   * @param description the description of a new secret
   * @throws SecretFormatException when the existing secret is not a JSON object
   * @throws KeyholeException typed as for reading: denied, throttled (retryable), ...
   */
  public void putJsonKeys(String name, Map<String, SecretValue> entries, String description) {
    Objects.requireNonNull(name, "name");
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no entries to write to secret '" + name + "'");
    }
    upsert(name, description, true, current -> {
      ObjectNode obj = JSON.createObjectNode();
      if (current != null) {
        JsonNode old;
        try {
          old = JSON.readTree(current);
        } catch (JsonProcessingException e) {
          old = null;
        }
        if (old == null || !old.isObject()) {
          throw new SecretFormatException("Secret '" + name + "' exists and its value is not a JSON"
              + " object, so keys cannot be added to it; write to another secret name, or one"
              + " secret per key");
        }
        obj.setAll((ObjectNode) old);
      }
      entries.forEach((k, v) -> obj.put(k, v.revealString()));
      return obj.toString();
    });
  }

  /**
   * Sets the plain value of secret {@code name}: creates it or adds a version. One write.
   *
   * @param description the description of a new secret
   */
  public void putValue(String name, SecretValue value, String description) {
    Objects.requireNonNull(value, "value");
    upsert(Objects.requireNonNull(name, "name"), description, false, current -> value.revealString());
  }

  /**
   * Computes the new secret string from the current one ({@code null} for a new secret, or when
   * {@code merge} is false: a plain value replaces the old one without reading it).
   */
  private void upsert(String name, String description, boolean merge,
      UnaryOperator<@Nullable String> value) {
    String subject = "secret '" + name + "'";
    DescribeSecretResponse d = clients.call(null, subject, c -> {
      try {
        return c.describeSecret(r -> r.secretId(name));
      } catch (ResourceNotFoundException e) {
        return null;
      }
    });
    if (d == null) {
      String v = value.apply(null);
      boolean created = clients.call(null, subject, c -> {
        try {
          c.createSecret(r -> r.name(name).description(description).secretString(v)
              .tags(Tag.builder().key(MANAGED_BY_TAG).value(MANAGED_BY_VALUE).build()));
          return true;
        } catch (ResourceExistsException raced) {
          return false; // created concurrently: add a version below
        }
      });
      if (created) {
        return;
      }
    } else if (d.deletedDate() != null) {
      throw new KeyholeException("Secret '" + name + "' is scheduled for deletion; restore it with"
          + " 'aws secretsmanager restore-secret --secret-id " + name + "' or write to another name");
    }
    String current = !merge ? null : clients.call(null, subject,
        c -> c.getSecretValue(r -> r.secretId(name)).secretString());
    String v = value.apply(current);
    clients.call(null, subject, c -> c.putSecretValue(r -> r.secretId(name).secretString(v)));
  }

  /** Closes the client this writer built (never a caller-owned client). */
  @Override
  public void close() {
    clients.close();
  }

  @Override
  public String toString() {
    return "SecretsManagerWriter[" + clients + "]";
  }

  /** Builds a {@link SecretsManagerWriter}. */
  public static final class Builder {
    private AwsClientOptions options = AwsClientOptions.defaults();
    private @Nullable SecretsManagerClient client;

    private Builder() {}

    /** How to build the SDK client (ignored when {@link #client} is given). */
    public Builder options(AwsClientOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** A caller-owned client, used as is and never closed by the writer. */
    public Builder client(SecretsManagerClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the writer and its client.
     *
     * @throws dev.keyhole.ConfigurationException when no region can be found
     */
    public SecretsManagerWriter build() {
      return new SecretsManagerWriter(this);
    }
  }
}
