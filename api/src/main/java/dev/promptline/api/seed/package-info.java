/**
 * The {@code seed} command: loads a demo organization, its owner, models and prompts, so that a fresh install has
 * something to execute. Idempotent; it owns no table.
 */
@NullMarked
package dev.promptline.api.seed;

import org.jspecify.annotations.NullMarked;
