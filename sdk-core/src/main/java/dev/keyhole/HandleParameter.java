package dev.keyhole;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tool parameter that takes a secret handle instead of a value: its path in the tool's JSON
 * arguments ({@code "token"}, or {@code "auth.password"} for a property of a nested object), the
 * handles it accepts, and whether the handle may be embedded in larger text.
 *
 * <p>Declared on a {@link ToolDeclaration}: the {@link ToolGuard} checks each call against it (a
 * handle anywhere else, or a literal value where a whole handle belongs, is denied before anything
 * resolves), and framework adapters use it to rewrite the tool's schema (so the model is told to
 * pass a handle, and which ones). Immutable.
 *
 * <p>Security: holds handle names only, never a value or a reference.
 */
public final class HandleParameter {
  private static final Pattern SEGMENT = Pattern.compile("[^.\\s]+");

  private final String path;
  private final List<String> segments;
  private final Set<SecretHandle> handles;
  private final boolean embedded;

  private HandleParameter(String path, Set<SecretHandle> handles, boolean embedded) {
    this.path = path;
    this.segments = List.of(path.split("\\.", -1));
    this.handles = Collections.unmodifiableSet(new LinkedHashSet<>(handles));
    this.embedded = embedded;
  }

  /**
   * The parameter at {@code path}: a property name, or dot-separated names for nested objects.
   *
   * @throws IllegalArgumentException for a blank path or an empty segment
   */
  public static HandleParameter of(String path) {
    Objects.requireNonNull(path, "path");
    for (String s : path.split("\\.", -1)) {
      if (!SEGMENT.matcher(s).matches()) {
        throw new IllegalArgumentException("Handle parameter path '" + path + "' is invalid; use a"
            + " property name, or dot-separated names for nested objects (e.g. 'auth.token')");
      }
    }
    return new HandleParameter(path, Set.of(), false);
  }

  /** A copy that accepts only these handles (default: every handle the task grants the tool). */
  public HandleParameter withHandles(String... handleNames) {
    Set<SecretHandle> hs = new LinkedHashSet<>();
    for (String n : handleNames) {
      hs.add(SecretHandle.of(n));
    }
    return new HandleParameter(path, hs, embedded);
  }

  /**
   * A copy whose handle may appear inside larger text ({@code "Bearer secret://api_token"}). By
   * default the argument must be exactly one handle token.
   */
  public HandleParameter embedded(boolean allowed) {
    return new HandleParameter(path, handles, allowed);
  }

  /** The dotted path of the parameter in the arguments. */
  public String path() {
    return path;
  }

  /** The path's property names, outermost first. */
  public List<String> segments() {
    return segments;
  }

  /** The handles this parameter accepts; empty means every handle the task grants the tool. */
  public Set<SecretHandle> handles() {
    return handles;
  }

  /** Whether a handle may be embedded in larger text. */
  public boolean isEmbedded() {
    return embedded;
  }

  /** Whether {@code handle} is acceptable here (given the tool may use it). */
  public boolean accepts(SecretHandle handle) {
    return handles.isEmpty() || handles.contains(handle);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HandleParameter p && p.path.equals(path) && p.handles.equals(handles)
        && p.embedded == embedded;
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, handles, embedded);
  }

  @Override
  public String toString() {
    return "HandleParameter[" + path + (handles.isEmpty() ? "" : " handles=" + handles)
        + (embedded ? " embedded" : "") + "]";
  }

  /** {@code 'a', 'b.c'} for messages, or {@code none}. */
  public static String names(Iterable<HandleParameter> params) {
    StringBuilder sb = new StringBuilder();
    for (HandleParameter p : params) {
      sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(p.path).append('\'');
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  /** {@code secret://a, secret://b} for messages. */
  public static String tokens(Iterable<SecretHandle> hs) {
    StringBuilder sb = new StringBuilder();
    for (SecretHandle h : hs) {
      sb.append(sb.length() == 0 ? "" : ", ").append(h.token());
    }
    return sb.toString();
  }
}
