package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@link OnePasswordWriter} through the {@code op} CLI, as 1Password's own integrations drive it:
 * {@code op vault get V}, {@code op item list --vault ID}, then {@code op item create -} with the
 * item JSON on standard input, or {@code op item get ID} and {@code op item edit ID} with the merged
 * item on standard input. Values never appear in {@code op}'s arguments.
 */
final class CliWriter implements OnePasswordWriter {
  private final CliRunner runner;
  private final Function<List<String>, List<String>> withAccount;
  private final java.util.function.Supplier<Map<String, String>> environment;

  CliWriter(CliRunner runner, Function<List<String>, List<String>> withAccount,
      java.util.function.Supplier<Map<String, String>> environment) {
    this.runner = runner;
    this.withAccount = withAccount;
    this.environment = environment;
  }

  @Override
  public void putConcealedFields(String vault, String item, Map<String, SecretValue> fields) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(item, "item");
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("no fields to write to item '" + item + "'");
    }
    String where = "item '" + item + "' in vault '" + vault + "'";
    JsonNode v = op(List.of("vault", "get", vault), null, "vault '" + vault + "'");
    String vaultId = ItemFields.text(v, "id");
    if (vaultId == null) {
      throw new ProviderUnavailableException("The 1Password CLI described vault '" + vault
          + "' without an id");
    }
    List<String> ids = ItemWrites.idsTitled(op(List.of("item", "list", "--vault", vaultId), null,
        "the items of vault '" + vault + "'"), item);
    if (ids.size() > 1) {
      throw ItemWrites.ambiguous(vault, item, ids);
    }
    if (ids.isEmpty()) {
      op(List.of("item", "create", "-"), ItemWrites.newItem(vaultId, item, fields), where);
      return;
    }
    JsonNode full = op(List.of("item", "get", ids.get(0), "--vault", vaultId), null, where);
    if (!full.isObject()) {
      throw new ProviderUnavailableException("The 1Password CLI returned something other than an"
          + " item for " + where);
    }
    op(List.of("item", "edit", ids.get(0), "--vault", vaultId),
        ItemWrites.merge((ObjectNode) full, fields), where);
  }

  /** Runs op with JSON output; {@code stdin} (item JSON with values) is wiped after the run. */
  private JsonNode op(List<String> args, @Nullable JsonNode stdin, String what) {
    List<String> all = new ArrayList<>(args);
    all.add("--format");
    all.add("json");
    byte[] input = null;
    CliRunner.Outcome o = null;
    try {
      input = stdin == null ? null : ItemWrites.JSON.writeValueAsBytes(stdin);
      o = runner.run(environment.get(), withAccount.apply(all), input, what);
      if (o.exit() != 0) {
        throw CliErrors.map(o.exit(), o.stderr(), what, List.of(), "writing");
      }
      if (o.stdout().length == 0) {
        return ItemWrites.JSON.createObjectNode();
      }
      return ItemWrites.JSON.readTree(o.stdout());
    } catch (KeyholeException e) {
      throw e;
    } catch (IOException e) {
      throw new ProviderUnavailableException("The 1Password CLI answered with output that is not"
          + " JSON for " + what);
    } finally {
      if (input != null) {
        Arrays.fill(input, (byte) 0);
      }
      if (o != null) {
        Arrays.fill(o.stdout(), (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "OnePasswordWriter[op CLI]";
  }
}
