package dev.keyhole.cli.scan;

import java.util.Locale;
import java.util.Set;

/** How a file is read for secrets, decided from its name (and a {@code #!} line for scripts). */
enum FileType {
  /** {@code .env}, {@code .env.local}, {@code prod.env}: every key is inventoried. */
  DOTENV,
  YAML,
  JSON,
  /** {@code .properties} and the INI/TOML-like {@code key = value} formats. */
  PROPERTIES,
  /** Shell, PowerShell, batch, Dockerfile, Makefile, {@code .envrc}. */
  SCRIPT,
  /** Anything else: only the detectors run. */
  OTHER,
  /** A binary PKCS#12 key store ({@code .p12}, {@code .pfx}); its text is the base64 of its bytes. */
  KEYSTORE;

  private static final Set<String> SCRIPT_EXT =
      Set.of("sh", "bash", "zsh", "ksh", "fish", "ps1", "psm1", "bat", "cmd", "mk");
  private static final Set<String> SCRIPT_NAMES =
      Set.of("dockerfile", "makefile", "gnumakefile", ".envrc", "jenkinsfile", "procfile");
  private static final Set<String> PROPERTIES_EXT =
      Set.of("properties", "ini", "cfg", "conf", "toml", "tfvars");

  /** Whether a file name is a PKCS#12 key store ({@code .p12}, {@code .pfx}), read even if binary. */
  static boolean isKeyStore(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    return n.endsWith(".p12") || n.endsWith(".pfx");
  }

  static FileType of(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.equals(".env") || n.startsWith(".env.") || n.endsWith(".env")) {
      return DOTENV;
    }
    if (SCRIPT_NAMES.contains(n) || n.startsWith("dockerfile.") || n.endsWith(".dockerfile")) {
      return SCRIPT;
    }
    int dot = n.lastIndexOf('.');
    String ext = dot < 0 ? "" : n.substring(dot + 1);
    if (ext.equals("yml") || ext.equals("yaml")) {
      return YAML;
    }
    if (ext.equals("json")) {
      return JSON;
    }
    if (PROPERTIES_EXT.contains(ext)) {
      return PROPERTIES;
    }
    if (SCRIPT_EXT.contains(ext)) {
      return SCRIPT;
    }
    return OTHER;
  }
}
