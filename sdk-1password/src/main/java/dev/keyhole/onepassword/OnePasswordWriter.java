package dev.keyhole.onepassword;

import dev.keyhole.SecretValue;
import java.util.Map;

/**
 * Writes fields into 1Password items: the write side of a 1Password provider, through the same
 * Connect server ({@link OnePasswordConnectProvider#writer()}) or {@code op} CLI ({@link
 * OnePasswordCliProvider#writer()}). Used by {@code keyhole migrate --to op}.
 *
 * <pre>{@code
 * try (OnePasswordConnectProvider onePassword = OnePasswordConnectProvider.fromEnvironment()) {
 *   onePassword.writer().putConcealedFields("Dev", "app-env", Map.of("GITHUB_TOKEN", token));
 * }   // reference: op://Dev/app-env/GITHUB_TOKEN
 * }</pre>
 *
 * <p>Security: values are taken as {@link SecretValue}s and sent only in the write itself (the
 * request body to Connect, standard input of {@code op}; never a command-line argument). Item JSON
 * is built with Jackson, whose strings cannot be wiped. Errors are Keyhole's typed errors and never
 * contain a value.
 */
public interface OnePasswordWriter {
  /** The category of items the writer creates ({@code API Credential}). */
  String CATEGORY = "API_CREDENTIAL";

  /** The tag put on items the writer creates. */
  String TAG = "keyhole";

  /**
   * Puts {@code fields} as concealed fields labelled with their keys into the item titled {@code
   * item} in {@code vault} (a vault name or ID): creates the item ({@value #CATEGORY}, tagged
   * {@value #TAG}) or, when it exists, sets the fields with those labels and adds the missing ones,
   * keeping every other field and attribute. One write: all fields or none.
   *
   * @throws dev.keyhole.SecretNotFoundException when the vault does not exist or is not visible
   * @throws AmbiguousReferenceException when several items have that title
   * @throws dev.keyhole.SecretAccessDeniedException when the token or session may not write
   * @throws dev.keyhole.ProviderUnavailableException when 1Password is unreachable or throttles
   */
  void putConcealedFields(String vault, String item, Map<String, SecretValue> fields);
}
