/** Scan reports: a human-readable table, JSON for tools, SARIF 2.1.0 for code-scanning UIs. */
@NullMarked
package dev.keyhole.cli.report;

import org.jspecify.annotations.NullMarked;
