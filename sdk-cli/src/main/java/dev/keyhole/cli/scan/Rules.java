package dev.keyhole.cli.scan;

import java.util.LinkedHashMap;
import java.util.Map;

/** The CLI's own rules (beyond core's detectors): ids and human-readable kinds. */
public final class Rules {
  private Rules() {}

  public static final String DOTENV_SECRET = "dotenv-secret";
  public static final String DOTENV_HIGH_ENTROPY = "dotenv-high-entropy";
  public static final String CONFIG_SECRET = "config-secret";
  public static final String SCRIPT_SECRET = "script-secret";
  public static final String URL_CREDENTIALS = "url-credentials";
  public static final String PKCS12_FILE = "pkcs12-file";

  private static final Map<String, String> KINDS = new LinkedHashMap<>();
  private static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    define(DOTENV_SECRET, "Secret in .env file",
        "A .env entry whose name says it holds a secret (TOKEN, PASSWORD, SECRET, API_KEY, ...) has"
            + " a real-looking value. Move it to a secret store with 'keyhole migrate'.");
    define(DOTENV_HIGH_ENTROPY, "High-entropy value in .env file",
        "A .env value looks machine-generated (long, random). If it is a credential, move it with"
            + " 'keyhole migrate --key NAME'.");
    define(CONFIG_SECRET, "Secret in configuration file",
        "A YAML/JSON/properties key that names a secret has a literal value that is not a"
            + " placeholder. Replace it with a reference that Keyhole resolves at run time.");
    define(SCRIPT_SECRET, "Secret in script",
        "A script assigns a secret-named variable or passes a secret flag (--password=...) a"
            + " literal value. Read it from the environment or a secret store instead.");
    define(URL_CREDENTIALS, "Password in URL",
        "A URL carries a password in its user-info part (scheme://user:password@host).");
    define(PKCS12_FILE, "PKCS#12 key store",
        "A .p12/.pfx file usually bundles a private key with its certificate. Keep key stores out"
            + " of the repository; store them in a secret store and fetch them at run time.");
  }

  private static void define(String id, String kind, String help) {
    KINDS.put(id, kind);
    HELP.put(id, help);
  }

  /** The kind of one of the CLI's rules. */
  public static String kind(String ruleId) {
    return KINDS.getOrDefault(ruleId, ruleId);
  }

  /** A sentence of guidance for a rule, or a generic one for core detectors. */
  public static String help(String ruleId) {
    return HELP.getOrDefault(ruleId, "A value matches a known secret format. Rotate it if it was"
        + " ever committed, then move it to a secret store and reference it.");
  }
}
