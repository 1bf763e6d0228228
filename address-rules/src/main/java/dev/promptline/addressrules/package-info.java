/**
 * The rules that say which provider base URLs Promptline may call (server-side request forgery protection), shared
 * by the api's model registry and the runtime's connection guard so that the two cannot drift apart.
 */
@NullMarked
package dev.promptline.addressrules;

import org.jspecify.annotations.NullMarked;
