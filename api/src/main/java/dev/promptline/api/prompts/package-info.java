/**
 * Prompts versioned like code. Owns {@code prompts}, {@code prompt_versions} and {@code prompt_labels}: a prompt is a
 * named entity of an organization, every edit an immutable numbered version (template, variables, model,
 * parameters, author), and labels such as {@code production} point at versions. Templates are Mustache, rendered
 * without access to any Java object.
 */
@NullMarked
package dev.promptline.api.prompts;

import org.jspecify.annotations.NullMarked;
