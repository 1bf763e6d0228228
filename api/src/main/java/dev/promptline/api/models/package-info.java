/**
 * The model registry: the AI models an organization may call, as data. Owns the {@code models} table. Provider
 * credentials are stored encrypted (AES-GCM) or as the name of an environment variable, and never leave the service
 * through the API. Base URLs are checked against server-side request forgery.
 */
@NullMarked
package dev.promptline.api.models;

import org.jspecify.annotations.NullMarked;
