/**
 * The scanner behind {@code keyhole scan}: a {@code .gitignore}-aware walk, core's detectors, and the
 * CLI's rules for {@code .env} files, configs and scripts; keyed fingerprints, masked previews and
 * baselines.
 *
 * <p>Security: values exist only while one file is scanned; findings, reports and baselines carry
 * fingerprints and masked previews, never values.
 */
@NullMarked
package dev.keyhole.cli.scan;

import org.jspecify.annotations.NullMarked;
