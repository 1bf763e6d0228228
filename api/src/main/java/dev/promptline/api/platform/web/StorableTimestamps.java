package dev.promptline.api.platform.web;

import java.time.Instant;

/**
 * The instants the API accepts: those PostgreSQL's {@code timestamptz} can store and compare, narrowed to years 1 to
 * 9999 so that every one also prints as a plain ISO-8601 date. Java's {@link Instant} reaches a billion years either
 * way; without this one check, a filter, page token or expiry outside PostgreSQL's range (4713 BC to 294276 AD) fails
 * in the database as a 500.
 */
final class StorableTimestamps {
    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
    static final String RULE = "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z";

    private StorableTimestamps() {}

    static boolean isStorable(Instant instant) {
        return !instant.isBefore(MIN) && !instant.isAfter(MAX);
    }

    static Instant requireStorable(Instant instant) {
        if (!isStorable(instant)) {
            throw new IllegalArgumentException(RULE);
        }
        return instant;
    }
}
