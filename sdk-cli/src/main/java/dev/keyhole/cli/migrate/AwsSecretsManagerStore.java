package dev.keyhole.cli.migrate;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretValue;
import dev.keyhole.aws.SecretsManagerWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * AWS Secrets Manager through {@code keyhole-aws}'s {@link SecretsManagerWriter}. Two layouts:
 *
 * <ul>
 *   <li>{@code PER_FILE} (default): one secret per file, named {@code PREFIX + ITEM}, whose value is
 *       a JSON object of key to value (keys it already had are kept); references {@code
 *       aws-sm:PREFIX+ITEM#KEY}. One write per file: its values are stored together or not at all.
 *   <li>{@code PER_KEY}: one secret per key, named {@code PREFIX + ITEM/KEY}, holding the plain
 *       value; references {@code aws-sm:PREFIX+ITEM/KEY}. A failure part-way leaves earlier keys
 *       stored (reported) and the file untouched.
 * </ul>
 */
final class AwsSecretsManagerStore implements SecretStore {
  enum Layout { PER_FILE, PER_KEY }

  private final Supplier<SecretsManagerWriter> writerFactory;
  private SecretsManagerWriter writer;
  private final Layout layout;
  private final String prefix;
  private final String where;

  /** {@code writerFactory} is called on the first write, so a dry run needs no AWS setup. */
  AwsSecretsManagerStore(Supplier<SecretsManagerWriter> writerFactory, Layout layout, String prefix,
      String where) {
    this.writerFactory = writerFactory;
    this.layout = layout;
    this.prefix = prefix;
    this.where = where;
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

  private SecretsManagerWriter writer() throws StoreException {
    if (writer == null) {
      try {
        writer = writerFactory.get();
      } catch (RuntimeException e) {
        throw new StoreException(e instanceof dev.keyhole.cli.CliException
            || e instanceof KeyholeException ? e.getMessage()
            : "Cannot set up the AWS client (" + e.getClass().getSimpleName() + ")");
      }
    }
    return writer;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    SecretsManagerWriter w = writer();
    String description = "Moved by keyhole migrate from " + plan.relativePath();
    List<String> stored = new ArrayList<>();
    if (layout == Layout.PER_FILE) {
      Map<String, SecretValue> entries = new LinkedHashMap<>();
      try {
        plan.moves().forEach(m -> entries.put(m.key(), SecretValue.ofString(m.value())));
        w.putJsonKeys(prefix + plan.item(), entries, description);
      } catch (KeyholeException e) {
        throw new StoreException(e.getMessage());
      } finally {
        entries.values().forEach(SecretValue::destroy);
      }
      return;
    }
    for (Move m : plan.moves()) {
      SecretValue v = SecretValue.ofString(m.value());
      try {
        w.putValue(prefix + plan.item() + "/" + m.key(), v, description + " (" + m.key() + ")");
      } catch (KeyholeException e) {
        throw new StoreException(e.getMessage(), stored);
      } finally {
        v.destroy();
      }
      stored.add(m.key());
    }
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }

  @Override
  public String toString() {
    return "AwsSecretsManagerStore[" + layout + ", " + where + "]";
  }
}
