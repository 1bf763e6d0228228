/**
 * The optional Redis connection. Redis is a cache and coordination layer, never the source of truth: without REDIS_URL
 * the service runs without it, and features that use it must degrade rather than fail.
 */
@NullMarked
package dev.promptline.api.platform.redis;

import org.jspecify.annotations.NullMarked;
