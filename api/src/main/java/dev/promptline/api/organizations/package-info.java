/**
 * Organizations, their users and their API keys. Owns the {@code organizations}, {@code users} and {@code api_keys}
 * tables, authenticates API keys for the platform's security filter, and creates the first organization, owner and
 * key on an empty database.
 */
@NullMarked
package dev.promptline.api.organizations;

import org.jspecify.annotations.NullMarked;
