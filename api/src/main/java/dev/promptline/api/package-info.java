/**
 * The Promptline REST service. Each direct sub-package is a feature module (Spring Modulith); {@code platform} holds
 * the cross-cutting web, error, database and health plumbing that every feature uses.
 */
@NullMarked
package dev.promptline.api;

import org.jspecify.annotations.NullMarked;
