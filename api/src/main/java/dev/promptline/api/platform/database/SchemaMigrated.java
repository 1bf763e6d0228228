package dev.promptline.api.platform.database;

/**
 * Published when start-up migrations that had to wait for an unreachable database have run: work that needs the
 * schema at start-up (the first organization, say) listens for it instead of failing.
 */
public record SchemaMigrated() {}
