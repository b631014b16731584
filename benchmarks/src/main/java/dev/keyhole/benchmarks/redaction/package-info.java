/**
 * JMH benchmark of Keyhole's redaction engine against a per-pattern replace loop, two
 * Aho-Corasick libraries and {@code String.indexOf}; run {@code benchmarks/run-redaction --quick}.
 */
@NullMarked
package dev.keyhole.benchmarks.redaction;

import org.jspecify.annotations.NullMarked;
