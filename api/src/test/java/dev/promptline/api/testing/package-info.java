/** Test support: isolated databases on the local PostgreSQL, Redis key prefixes, HTTP helpers. */
@NullMarked
package dev.promptline.api.testing;

import org.jspecify.annotations.NullMarked;
