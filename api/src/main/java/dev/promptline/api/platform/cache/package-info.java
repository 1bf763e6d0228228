/**
 * The read cache: Spring's cache abstraction on two tiers when REDIS_URL is set (each replica's memory in front of
 * Redis, with evictions published to every replica), and a pass-through otherwise. Redis is never the source of
 * truth: errors fall through to PostgreSQL, and evictions that could not reach Redis are made good by clearing the
 * caches once it answers again.
 */
@NullMarked
package dev.promptline.api.platform.cache;

import org.jspecify.annotations.NullMarked;
