package dev.keyhole.onepassword;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code op://} references through the 1Password CLI: {@code op read --no-newline <ref>} for
 * one reference, one {@code op inject} for several. For a service account
 * ({@code OP_SERVICE_ACCOUNT_TOKEN}) or a signed-in {@code op}.
 *
 * <pre>{@code
 * SecretProvider onePassword = OnePasswordCliProvider.builder()
 *     .serviceAccountToken(tokenFromYourBootstrapStore)   // or OP_SERVICE_ACCOUNT_TOKEN in the environment
 *     .build();
 * }</pre>
 *
 * <p>The child process gets a restricted environment: only {@code PATH}, {@code HOME}, user, locale,
 * temp, XDG, TLS and proxy variables, every {@code OP_*} variable, and names added with {@link
 * Builder#passEnvironment}. Each call has a time limit (default 8 s, below Keyhole's default 10 s
 * per attempt); on timeout {@code op} and its children are killed. stderr's {@code [ERROR] …}
 * message is mapped to Keyhole's typed errors: unknown vault/item/field to {@link
 * dev.keyhole.SecretNotFoundException}, not signed in or no permission to {@link
 * dev.keyhole.SecretAccessDeniedException}, rate limits and network failures to the retryable
 * {@link dev.keyhole.ProviderUnavailableException}. A missing {@code op} is a {@link
 * dev.keyhole.ConfigurationException} that says how to install or point to it.
 *
 * <p>{@code attribute=otp} values are reported as already expired, so Keyhole never caches a
 * one-time code.
 *
 * <p>Security: the service account token is held as a {@link SecretValue}, passed to the child only
 * in its environment, and wiped by {@link #close()}. Values are read from stdout into arrays that
 * are wiped after use. Quoted stderr has the token, any output and anything token-shaped removed.
 * Thread-safe.
 */
public final class OnePasswordCliProvider implements SecretProvider {
  /** The default provider id. */
  public static final String DEFAULT_ID = "1password-cli";

  private static final Set<String> PASSED = Set.of("PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TMP",
      "TEMP", "LANG", "LC_ALL", "LC_CTYPE", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME",
      "XDG_CACHE_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
      "http_proxy", "https_proxy", "no_proxy", "SystemRoot", "SYSTEMROOT", "WINDIR", "APPDATA",
      "LOCALAPPDATA", "USERPROFILE", "ComSpec", "PATHEXT");

  private final String id;
  private final Map<String, String> baseEnvironment;
  private final Set<String> extraNames;
  private final @Nullable SecretValue serviceAccountToken;
  private final @Nullable String account;
  private final boolean batch;
  private final Clock clock;
  private final CliRunner runner;

  private OnePasswordCliProvider(Builder b) {
    this.id = b.id;
    this.baseEnvironment = Map.copyOf(b.environment);
    this.extraNames = Set.copyOf(b.extraNames);
    this.serviceAccountToken = b.serviceAccountToken == null ? null : b.serviceAccountToken.copy();
    this.account = b.account;
    this.batch = b.batch;
    this.clock = b.clock;
    this.runner = new CliRunner(b.executable, b.timeout);
  }

  /** A provider using {@code op} from {@code PATH} and the process environment. */
  public static OnePasswordCliProvider create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("op");
  }

  @Override
  public void validate(SecretRef ref) {
    OpReference.parse(ref);
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    return read(OpReference.parse(ref));
  }

  /**
   * Resolves several references with one {@code op inject}. If that fails because a reference is
   * wrong, each reference is read on its own so every one gets its own answer; if it fails for a
   * reason that applies to all (not signed in, rate limited, timeout) every reference gets that error.
   */
  @Override
  public Map<SecretRef, Result> resolveAll(Collection<SecretRef> refs) {
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    Map<SecretRef, OpReference> valid = new LinkedHashMap<>();
    for (SecretRef ref : refs) {
      try {
        valid.put(ref, OpReference.parse(ref));
      } catch (KeyholeException e) {
        out.put(ref, Result.failure(e));
      }
    }
    Map<SecretRef, Result> injected = batch && valid.size() > 1 ? inject(valid) : Map.of();
    for (SecretRef ref : refs) {
      if (out.containsKey(ref)) {
        continue;
      }
      Result r = injected.get(ref);
      if (r == null) {
        try {
          r = Result.success(read(valid.get(ref)));
        } catch (KeyholeException e) {
          r = Result.failure(e);
        }
      }
      out.put(ref, r);
    }
    // Keep the caller's order.
    Map<SecretRef, Result> ordered = new LinkedHashMap<>();
    refs.forEach(r -> ordered.put(r, out.get(r)));
    return ordered;
  }

  private ResolvedSecret read(OpReference ref) {
    List<String> args = new ArrayList<>(List.of("read", "--no-newline"));
    accountArgs(args);
    args.add(ref.toString());
    CliRunner.Outcome o = runner.run(childEnvironment(), args, null, "reference " + ref);
    try {
      if (o.exit() != 0) {
        throw CliErrors.map(o.exit(), o.stderr(), "reference " + ref, secretsFor(o.stdout()));
      }
      if (o.stdout().length == 0) {
        throw new SecretFormatException("The 1Password CLI returned an empty value for reference "
            + ref + "; the field exists but is empty");
      }
      return secret(ref, o.stdout(), 0, o.stdout().length);
    } finally {
      Arrays.fill(o.stdout(), (byte) 0);
    }
  }

  private Map<SecretRef, Result> inject(Map<SecretRef, OpReference> refs) {
    String nonce = HexFormat.of().formatHex(randomBytes());
    StringBuilder template = new StringBuilder();
    List<SecretRef> order = new ArrayList<>(refs.keySet());
    for (int i = 0; i < order.size(); i++) {
      template.append("<KH-").append(nonce).append('-').append(i).append('>')
          .append("{{ ").append(refs.get(order.get(i))).append(" }}")
          .append("</KH-").append(nonce).append('-').append(i).append(">\n");
    }
    List<String> args = new ArrayList<>(List.of("inject"));
    accountArgs(args);
    String what = refs.size() + " references";
    CliRunner.Outcome o;
    try {
      o = runner.run(childEnvironment(), args, template.toString().getBytes(StandardCharsets.UTF_8), what);
    } catch (KeyholeException e) {
      return failAllIfGeneral(e, order);
    }
    try {
      if (o.exit() != 0) {
        return failAllIfGeneral(CliErrors.map(o.exit(), o.stderr(), what, secretsFor(o.stdout())), order);
      }
      Map<SecretRef, Result> out = new LinkedHashMap<>();
      byte[] s = o.stdout();
      for (int i = 0; i < order.size(); i++) {
        byte[] open = ("<KH-" + nonce + "-" + i + ">").getBytes(StandardCharsets.US_ASCII);
        byte[] close = ("</KH-" + nonce + "-" + i + ">").getBytes(StandardCharsets.US_ASCII);
        int start = indexOf(s, open, 0);
        int end = start < 0 ? -1 : indexOf(s, close, start + open.length);
        if (start >= 0 && end > start + open.length) {
          SecretRef ref = order.get(i);
          out.put(ref, Result.success(secret(refs.get(ref), s, start + open.length, end)));
        }
      }
      return out;
    } finally {
      Arrays.fill(o.stdout(), (byte) 0);
    }
  }

  /** A failure that every reference shares (auth, throttling, timeouts, missing op), else none. */
  private static Map<SecretRef, Result> failAllIfGeneral(KeyholeException e, List<SecretRef> refs) {
    boolean general = e.retryable() || e instanceof dev.keyhole.SecretAccessDeniedException
        || e instanceof dev.keyhole.ConfigurationException;
    Map<SecretRef, Result> out = new LinkedHashMap<>();
    if (general) {
      refs.forEach(r -> out.put(r, Result.failure(e)));
    }
    return out;
  }

  private ResolvedSecret secret(OpReference ref, byte[] buf, int from, int to) {
    byte[] value = Arrays.copyOfRange(buf, from, to);
    try {
      Instant expires = ref.effectiveAttribute() == OpAttribute.OTP ? clock.instant() : null;
      return ResolvedSecret.of(SecretValue.ofUtf8(value), null, expires);
    } finally {
      Arrays.fill(value, (byte) 0);
    }
  }

  private List<String> secretsFor(byte[] stdout) {
    List<String> s = new ArrayList<>();
    if (stdout.length > 0) {
      String out = new String(stdout, StandardCharsets.UTF_8);
      s.add(out);
      s.addAll(List.of(out.split("\\R")));
    }
    if (serviceAccountToken != null && !serviceAccountToken.isDestroyed()) {
      s.add(serviceAccountToken.revealString());
    }
    String envToken = baseEnvironment.get("OP_SERVICE_ACCOUNT_TOKEN");
    if (envToken != null) {
      s.add(envToken);
    }
    String connectToken = baseEnvironment.get("OP_CONNECT_TOKEN");
    if (connectToken != null) {
      s.add(connectToken);
    }
    return s;
  }

  private void accountArgs(List<String> args) {
    if (account != null) {
      args.add("--account");
      args.add(account);
    }
  }

  /**
   * The write side through the same {@code op} executable, environment and account: puts concealed
   * fields into items (see {@link OnePasswordWriter}; item JSON goes to {@code op} on standard
   * input). It lives as long as this provider.
   */
  public OnePasswordWriter writer() {
    return new CliWriter(runner, args -> {
      List<String> all = new ArrayList<>(args);
      accountArgs(all);
      return all;
    }, () -> {
      Map<String, String> env = childEnvironment();
      env.put("OP_FORMAT", "json");
      return env;
    });
  }

  /** The environment the child gets: the allow-listed and {@code OP_*} variables only. */
  Map<String, String> childEnvironment() {
    Map<String, String> env = new TreeMap<>();
    baseEnvironment.forEach((k, v) -> {
      if (PASSED.contains(k) || k.startsWith("OP_") || extraNames.contains(k)) {
        env.put(k, v);
      }
    });
    if (serviceAccountToken != null) {
      env.put("OP_SERVICE_ACCOUNT_TOKEN", serviceAccountToken.revealString());
    }
    return env;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Wipes the service account token and stops the I/O threads. */
  @Override
  public void close() {
    runner.close();
    if (serviceAccountToken != null) {
      serviceAccountToken.destroy();
    }
  }

  @Override
  public String toString() {
    return "OnePasswordCliProvider[id=" + id + (account == null ? "" : ", account=" + account)
        + ", serviceAccount=" + (serviceAccountToken != null
            || baseEnvironment.containsKey("OP_SERVICE_ACCOUNT_TOKEN")) + "]";
  }

  /** Configures a {@link OnePasswordCliProvider}. */
  public static final class Builder {
    private String id = DEFAULT_ID;
    private String executable = "op";
    private Duration timeout = Duration.ofSeconds(8);
    private Map<String, String> environment = System.getenv();
    private final Set<String> extraNames = new LinkedHashSet<>();
    private @Nullable SecretValue serviceAccountToken;
    private @Nullable String account;
    private boolean batch = true;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The {@code op} executable: a path, or a name looked up on the child's {@code PATH} (default {@code op}). */
    public Builder executable(String pathOrName) {
      this.executable = Objects.requireNonNull(pathOrName, "pathOrName");
      return this;
    }

    /** The time limit for one {@code op} run (default 8 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The environment the child's variables are picked from (default: the process environment). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /** Further variable names to pass to {@code op} (for example a custom {@code OP_CONFIG_DIR} is passed anyway). */
    public Builder passEnvironment(String... names) {
      extraNames.addAll(Arrays.asList(names));
      return this;
    }

    /**
     * A service account token, given to {@code op} as {@code OP_SERVICE_ACCOUNT_TOKEN}. {@link
     * #build()} takes its own copy; destroy yours after building.
     */
    public Builder serviceAccountToken(SecretValue token) {
      this.serviceAccountToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /** The account to use ({@code --account}), for a signed-in {@code op} with several accounts. */
    public Builder account(String shorthandOrUrl) {
      this.account = Objects.requireNonNull(shorthandOrUrl, "account");
      return this;
    }

    /** Whether {@link #resolveAll} uses one {@code op inject} (default true). */
    public Builder batchWithInject(boolean on) {
      this.batch = on;
      return this;
    }

    /** The clock (use Keyhole's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public OnePasswordCliProvider build() {
      return new OnePasswordCliProvider(this);
    }
  }
}
