package dev.keyhole.cli.migrate;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretValue;
import dev.keyhole.onepassword.OnePasswordWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * 1Password through {@code keyhole-1password}'s {@link OnePasswordWriter}: a Connect server or the
 * {@code op} CLI. One item per file, titled with the item name, in the named vault; one concealed
 * field per key, labelled with the key; each file is one write. References are {@code
 * op://VAULT/ITEM/KEY}.
 */
final class OnePasswordStore implements SecretStore {
  /** Opens the writer on the first write (a dry run needs no 1Password) and closes what it opened. */
  interface Connection extends AutoCloseable {
    OnePasswordWriter writer();

    @Override
    void close();
  }

  private final Supplier<Connection> connect;
  private final String vault;
  private final String where;
  private Connection connection;

  OnePasswordStore(Supplier<Connection> connect, String vault, String where) {
    this.connect = connect;
    this.vault = Objects.requireNonNull(vault);
    this.where = where;
  }

  @Override
  public String describe() {
    return "1Password " + where + ", vault '" + vault + "', one item per file";
  }

  @Override
  public String reference(String item, String key) {
    return "op://" + vault + "/" + item + "/" + key;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    Map<String, SecretValue> fields = new LinkedHashMap<>();
    try {
      if (connection == null) {
        connection = connect.get();
      }
      for (Move m : plan.moves()) {
        fields.put(m.key(), SecretValue.ofString(m.value()));
      }
      connection.writer().putConcealedFields(vault, plan.item(), fields);
    } catch (KeyholeException e) {
      throw new StoreException(e.getMessage());
    } finally {
      fields.values().forEach(SecretValue::destroy);
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "OnePasswordStore[" + where + ", vault " + vault + "]";
  }
}
