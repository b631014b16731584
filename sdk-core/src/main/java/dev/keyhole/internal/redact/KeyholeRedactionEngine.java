package dev.keyhole.internal.redact;

import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyhole's redaction engine: every registered value, in every form {@link Forms} knows, is
 * replaced by its handle token.
 *
 * <p>Registration and unregistration only change the registry and bump a version; the next scan
 * makes a new immutable {@link Matcher} under a lock and publishes it through a volatile field
 * (copy-on-write), so concurrent scans always see a complete matcher, and many registrations in a
 * row cost one update. New registrations are added to a copy of the current matcher ({@link
 * Matcher#plus}); a full build happens when a grace period has ended (unregistered values stay in
 * the matcher until then) or a new form does not fit the current one.
 *
 * <p>Matches of all patterns are collected (overlapping ones included), merged when they overlap
 * or touch, and each merged range is replaced once: by the handle token of its secret, or by
 * {@link #GENERIC_TOKEN} when it covers several secrets, followed by the line breaks the range
 * held (a wrapped form keeps the output's line structure). The text around each inserted token is
 * then scanned again, so the output never contains a live form and redaction is idempotent.
 *
 * <p>Security: the engine holds the sources of the forms of live values ({@link FormSet}: the
 * value's characters and bytes, never the encoded text) and wipes them when a registration's grace
 * period ends. Nothing it prints or throws contains a value or its length.
 */
public final class KeyholeRedactionEngine implements RedactionEngine {
  /** The token for a range that covers several different secrets. */
  public static final String GENERIC_TOKEN = SecretHandle.PREFIX + "redacted";

  /**
   * The token of values registered from files the policy protects ({@code protect:}); where a
   * granted handle has the same value, the granted handle's token wins.
   */
  public static final String PROTECTED_TOKEN = SecretHandle.PREFIX + "protected";

  private static final Logger LOG = LoggerFactory.getLogger(KeyholeRedactionEngine.class);
  private static final int MAX_ROUNDS = 4;

  private final Clock clock;
  private final RedactionOptions options;
  private final long graceMillis;

  private final Object lock = new Object();
  private final List<Entry> entries = new ArrayList<>(); // guarded by lock
  /** Owner id of each token, and the tokens in id order, since the last full build (lock). */
  private Map<String, Integer> tokenIds = new HashMap<>();
  private List<String> tokens = new ArrayList<>();
  private boolean fullBuildRequested; // guarded by lock
  private volatile int version;
  private volatile Snapshot snapshot =
      new Snapshot(Matcher.EMPTY, new String[0], 0, Long.MAX_VALUE, 0);

  public KeyholeRedactionEngine(Clock clock, RedactionOptions options) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.graceMillis = options.gracePeriod().toMillis();
  }

  /**
   * One immutable generation: the matcher, the token of each owner id, when to rebuild, and how
   * many registrations (the first ones of the list) it covers.
   */
  static final class Snapshot {
    final Matcher matcher;
    final String[] tokens;
    final int version;
    final long nextExpiryMillis;
    final int covered;

    Snapshot(Matcher matcher, String[] tokens, int version, long nextExpiryMillis, int covered) {
      this.matcher = matcher;
      this.tokens = tokens;
      this.version = version;
      this.nextExpiryMillis = nextExpiryMillis;
      this.covered = covered;
    }

    String token(int owner) {
      return owner == MatchList.MIXED ? GENERIC_TOKEN : tokens[owner];
    }
  }

  private final class Entry implements Registration {
    final FormSet forms;
    final String token;
    long retireAtMillis = Long.MAX_VALUE; // guarded by lock

    Entry(FormSet forms, String token) {
      this.forms = forms;
      this.token = token;
    }

    @Override
    public void unregister() {
      synchronized (lock) {
        if (retireAtMillis == Long.MAX_VALUE) {
          long now = clock.millis();
          retireAtMillis = graceMillis > Long.MAX_VALUE - now ? Long.MAX_VALUE - 1 : now + graceMillis;
          version++;
        }
      }
    }

    void wipe() {
      forms.wipe();
    }

    @Override
    public String toString() {
      return "Registration[" + token + "]";
    }
  }

  // ---------------------------------------------------------------- registration

  @Override
  public Registration register(SecretValue value, SecretHandle handle) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(handle, "handle");
    FormSet forms;
    if (value.isBinary()) {
      byte[] bytes = value.revealBytes();
      try {
        char[] text = decodeUtf8(bytes);
        if (text != null) {
          try {
            forms = textForms(text, handle);
          } finally {
            Arrays.fill(text, '\0');
          }
        } else {
          int formMin = checkQuality(bytes.length, false, handle);
          forms = Forms.ofBytes(bytes, formMin);
        }
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    } else {
      char[] text = value.revealChars();
      try {
        forms = textForms(text, handle);
      } finally {
        Arrays.fill(text, '\0');
      }
    }
    String token = handle.token();
    // A form that occurs inside a token would be found again in every redacted output.
    forms.retain(i -> !insideToken(forms, i, token) && !insideToken(forms, i, GENERIC_TOKEN)
        && !insideToken(forms, i, PROTECTED_TOKEN));
    Entry e = new Entry(forms, token);
    synchronized (lock) {
      entries.add(e);
      version++;
    }
    return e;
  }

  /** Whether form {@code i} occurs in {@code token}, in any case (and with separators dropped). */
  private static boolean insideToken(FormSet forms, int i, String token) {
    char[] f = FormSet.materialize(forms.meta(i), forms.data(i));
    try {
      String t = token.toLowerCase(Locale.ROOT);
      boolean tolerant = (forms.meta(i) & FormSet.TOLERANT) != 0;
      for (String hay : tolerant ? List.of(t, t.replace(":", "")) : List.of(t)) {
        for (int at = 0; at + f.length <= hay.length(); at++) {
          boolean all = true;
          for (int j = 0; j < f.length && all; j++) {
            all = Character.toLowerCase(f[j]) == hay.charAt(at + j);
          }
          if (all) {
            return true;
          }
        }
      }
      return false;
    } finally {
      Arrays.fill(f, '\0');
    }
  }

  private FormSet textForms(char[] text, SecretHandle handle) {
    if (containsIgnoreCase(new String(text), SecretHandle.PREFIX)) {
      throw new SecretFormatException("The value of " + handle + " contains a handle token"
          + " prefix ('" + SecretHandle.PREFIX + "'); Keyhole cannot redact it without rewriting"
          + " its own tokens. Store the real secret, not a handle, behind this reference");
    }
    int formMin = checkQuality(text.length, ValueQuality.isLowEntropy(CharBuffer.wrap(text))
        || (!options.allowWeakValues() && Strength.isGuessable(text)), handle);
    return Forms.ofText(text, formMin);
  }

  /** Refuses (or warns about) a weak value; returns the minimum length of its forms. */
  private int checkQuality(int length, boolean lowEntropy, SecretHandle handle) {
    int min = options.minLength();
    if (length < RedactionOptions.ABSOLUTE_MIN_LENGTH) {
      throw new SecretFormatException("The value of " + handle + " is shorter than "
          + RedactionOptions.ABSOLUTE_MIN_LENGTH + " characters; Keyhole cannot redact it"
          + " reliably and refuses to hand it out. Use a longer secret");
    }
    String problem = length < min ? "shorter than the minimum of " + min + " characters"
        : lowEntropy ? "low in entropy or easy to guess (repetitive, a simple run like 12345678,"
            + " or made of common words, names, dates or keyboard patterns)" : null;
    if (problem == null) {
      return min;
    }
    if (!options.allowWeakValues()) {
      throw new SecretFormatException("The value of " + handle + " is " + problem + ", so"
          + " redacting it would rewrite ordinary text. Use a longer random secret, or register"
          + " weak values anyway with RedactionOptions.builder().allowWeakValues(true)");
    }
    LOG.warn("Registering the value of {} for redaction although it is {}; ordinary text that"
        + " happens to contain it will be redacted too", handle, problem);
    return Math.min(min, length);
  }

  private static char @Nullable [] decodeUtf8(byte[] bytes) {
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      if (cb.hasArray()) {
        Arrays.fill(cb.array(), '\0');
      }
      return out;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean containsIgnoreCase(String haystack, String needle) {
    return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
  }

  // ---------------------------------------------------------------- snapshots

  /** The current matcher generation, rebuilt first if registrations changed or a grace ended. */
  Snapshot snapshot() {
    Snapshot s = snapshot;
    if (s.version != version
        || (s.nextExpiryMillis != Long.MAX_VALUE && clock.millis() >= s.nextExpiryMillis)) {
      s = rebuild();
    }
    return s;
  }

  /**
   * The next generation. Registrations since the last one only add patterns: their forms are added
   * to a copy of the matcher ({@link Matcher#plus}), which costs their own q-grams and a copy of
   * the tables. A registration whose grace period ended (or forms the copy cannot take) makes a
   * full build.
   */
  private Snapshot rebuild() {
    synchronized (lock) {
      long now = clock.millis();
      Snapshot s = snapshot;
      if (s.version == version && now < s.nextExpiryMillis) {
        return s;
      }
      long nextExpiry = Long.MAX_VALUE;
      boolean expired = false;
      for (Entry e : entries) {
        nextExpiry = Math.min(nextExpiry, e.retireAtMillis);
        expired |= e.retireAtMillis <= now;
      }
      if (!expired && !fullBuildRequested && s.covered <= entries.size()) {
        Snapshot added = added(s, nextExpiry);
        if (added != null) {
          snapshot = added;
          return added;
        }
      }
      fullBuildRequested = false;
      Snapshot fresh = fullBuild(now);
      snapshot = fresh;
      return fresh;
    }
  }

  /** The snapshot {@code s} plus the registrations after the ones it covers, or null (full build). */
  private @Nullable Snapshot added(Snapshot s, long nextExpiry) {
    int total = 0;
    for (int x = s.covered; x < entries.size(); x++) {
      total += entries.get(x).forms.size();
    }
    int[] meta = new int[total];
    Object[] data = new Object[total];
    int[] owners = new int[total];
    int n = 0;
    for (int x = s.covered; x < entries.size(); x++) {
      Entry e = entries.get(x);
      int owner = ownerId(e.token);
      FormSet f = e.forms;
      for (int i = 0; i < f.size(); i++) {
        meta[n] = f.meta(i);
        data[n] = f.data(i);
        owners[n] = owner;
        n++;
      }
    }
    Integer protectedOwner = tokenIds.get(PROTECTED_TOKEN);
    Matcher m = s.matcher.plus(n, meta, data, owners, (a, b) -> mergeOwner(a, b, protectedOwner));
    return m == null ? null
        : new Snapshot(m, tokens.toArray(new String[0]), version, nextExpiry, entries.size());
  }

  private int ownerId(String token) {
    return tokenIds.computeIfAbsent(token, t -> {
      tokens.add(t);
      return tokens.size() - 1;
    });
  }

  private Snapshot fullBuild(long now) {
    entries.removeIf(e -> {
      if (e.retireAtMillis <= now) {
        e.wipe();
        return true;
      }
      return false;
    });
    tokenIds = new HashMap<>();
    tokens = new ArrayList<>();
    long nextExpiry = Long.MAX_VALUE;
    int total = 0;
    for (Entry e : entries) {
      total += e.forms.size();
    }
    int[] meta = new int[total];
    Object[] data = new Object[total];
    int[] owners = new int[total];
    long[] hashes = new long[total];
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(4, 2L * total - 1));
    int mask = (1 << bits) - 1;
    int[] slots = new int[1 << bits]; // pattern index + 1; 0 = empty
    int n = 0;
    for (Entry e : entries) {
      nextExpiry = Math.min(nextExpiry, e.retireAtMillis);
      int owner = ownerId(e.token);
      FormSet f = e.forms;
      forms:
      for (int i = 0; i < f.size(); i++) {
        long h = f.hash(i);
        int slot = (int) ((h * 0x9E3779B97F4A7C15L) >>> (64 - bits));
        while (slots[slot] != 0) {
          int p = slots[slot] - 1;
          if (hashes[p] == h && FormSet.sameChars(meta[p], data[p], f.meta(i), f.data(i))) {
            meta[p] |= f.meta(i) & (FormSet.TOLERANT | FormSet.IGNORE_CASE);
            owners[p] = mergeOwner(owners[p], owner, tokenIds.get(PROTECTED_TOKEN));
            continue forms;
          }
          slot = (slot + 1) & mask;
        }
        meta[n] = f.meta(i);
        data[n] = f.data(i);
        owners[n] = owner;
        hashes[n] = h;
        slots[slot] = ++n;
      }
    }
    Matcher m = Matcher.build(n, meta, data, owners);
    return new Snapshot(m, tokens.toArray(new String[0]), version, nextExpiry, entries.size());
  }

  /**
   * The owner of a form that two registrations share: theirs if the same, the other one if one is
   * a protected file's value (a granted handle names it better), else {@link MatchList#MIXED}.
   */
  private static int mergeOwner(int a, int b, @Nullable Integer protectedOwner) {
    if (a == b) {
      return a;
    }
    if (protectedOwner != null && a == protectedOwner) {
      return b;
    }
    if (protectedOwner != null && b == protectedOwner) {
      return a;
    }
    return MatchList.MIXED;
  }

  // ---------------------------------------------------------------- scanning

  @Override
  public String redact(String text) {
    if (text.isEmpty()) {
      return text;
    }
    Snapshot s = snapshot();
    MatchList found = s.matcher.scan(text, 0, text.length(), null, false);
    return found == null ? text : rewrite(s, text, text.length(), found);
  }

  @Override
  public boolean containsSecret(CharSequence text) {
    String s = text.toString();
    return !s.isEmpty() && snapshot().matcher.scan(s, 0, s.length(), null, true) != null;
  }

  /**
   * {@code text[0, end)} with every merged range in {@code found} replaced by its token, then
   * checked again around each token until no pattern matches (bounded).
   */
  static String rewrite(Snapshot s, String text, int end, MatchList found) {
    String current = text;
    int currentEnd = end;
    MatchList matches = found;
    for (int round = 0; ; round++) {
      MatchList ranges = matches.merged();
      StringBuilder sb = new StringBuilder(currentEnd + 16 * ranges.size());
      int[] tokenAt = new int[2 * ranges.size()];
      int pos = 0;
      for (int i = 0; i < ranges.size(); i++) {
        sb.append(current, pos, ranges.start(i));
        tokenAt[2 * i] = sb.length();
        sb.append(s.token(ranges.owner(i)));
        // The replaced range keeps its line breaks, so the output keeps its line structure.
        for (int p = ranges.start(i); p < ranges.end(i); p++) {
          char c = current.charAt(p);
          if (c == '\n' || c == '\r') {
            sb.append(c);
          }
        }
        tokenAt[2 * i + 1] = sb.length();
        pos = ranges.end(i);
      }
      sb.append(current, pos, currentEnd);
      current = sb.toString();
      currentEnd = current.length();
      if (round == MAX_ROUNDS) {
        return current;
      }
      // A pattern could only match now by overlapping an inserted token: scan near each token.
      matches = null;
      int windowFrom = 0;
      int windowTo = -1;
      for (int i = 0; i < ranges.size(); i++) {
        int from = s.matcher.reachBefore(current, tokenAt[2 * i]);
        int to = s.matcher.reachAfter(current, tokenAt[2 * i + 1]);
        if (from > windowTo) {
          if (windowTo >= 0) {
            matches = s.matcher.scan(current, windowFrom, windowTo, matches, false);
          }
          windowFrom = from;
        }
        windowTo = Math.max(windowTo, to);
      }
      matches = s.matcher.scan(current, windowFrom, windowTo, matches, false);
      if (matches == null) {
        return current;
      }
      // Replace each inserted token that a new match touches together with that match.
      for (int i = 0; i < ranges.size(); i++) {
        matches.add(tokenAt[2 * i], tokenAt[2 * i + 1], ranges.owner(i));
      }
    }
  }

  @Override
  public StreamingRedactor streaming() {
    return new ChunkRedactor(this);
  }

  /** Number of live (including graced) registrations; for tests and diagnostics. */
  public int registrationCount() {
    synchronized (lock) {
      return entries.size();
    }
  }

  /** Rebuilds the matcher now if needed and describes it; for benchmarks and diagnostics. */
  public MatcherStats matcherStats() {
    Matcher m = snapshot().matcher;
    return new MatcherStats(m.patternCount, m.minLen == Integer.MAX_VALUE ? 0 : m.minLen, m.maxLen,
        m.step, m.window, m.footprintBytes());
  }

  /**
   * Brings the matcher up to date with the registrations (an update or a full build, as a scan
   * would) and returns its pattern count, without the cost of {@link #matcherStats}' heap count;
   * for benchmarks that time the update.
   */
  public int refresh() {
    return snapshot().matcher.patternCount;
  }

  /**
   * Forces a full build of the matcher (as when a registration's grace period ends) and returns its
   * pattern count; for benchmarks ({@link #matcherStats} describes the result).
   */
  public int rebuildNow() {
    synchronized (lock) {
      fullBuildRequested = true;
      version++;
    }
    return refresh();
  }

  /**
   * Shape of the current matcher.
   *
   * @param patterns distinct patterns (value forms)
   * @param minLength shortest pattern
   * @param maxLength longest pattern
   * @param step sampling step of the scan
   * @param window characters a q-gram of the scan may span (separators included)
   * @param footprintBytes approximate retained heap of the matcher, the source arrays of its
   *     forms included
   */
  public record MatcherStats(int patterns, int minLength, int maxLength, int step, int window,
      long footprintBytes) {}

  @Override
  public String toString() {
    return "KeyholeRedactionEngine[" + registrationCount() + " registrations, " + options + "]";
  }
}
