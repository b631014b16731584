/**
 * 1Password for Keyhole: {@link dev.keyhole.onepassword.OpReference} (offline parsing of {@code
 * op://} references), {@link dev.keyhole.onepassword.OpTemplate} ({@code op inject}-style templates
 * rendered to handle-bearing text), {@link dev.keyhole.onepassword.OnePasswordConnectProvider}
 * (1Password Connect over HTTP) and {@link dev.keyhole.onepassword.OnePasswordCliProvider} (the
 * {@code op} CLI).
 */
@NullMarked
package dev.keyhole.onepassword;

import org.jspecify.annotations.NullMarked;
