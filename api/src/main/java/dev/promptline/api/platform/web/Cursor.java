package dev.promptline.api.platform.web;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A keyset page position: the (created_at, id) of the last row served. Lists are ordered by that pair, so a page is
 * an index range scan however deep it is, and rows inserted meanwhile never shift a page. Opaque to clients.
 */
public record Cursor(Instant createdAt, UUID id) {
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    public Cursor {
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(id, "id is null");
    }

    /** The position after which a page starts; {@code null} for the first page. */
    public static @Nullable Cursor decode(@Nullable String pageToken) {
        if (pageToken == null || pageToken.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split("/", 2);
            return new Cursor(StorableTimestamps.requireStorable(Instant.parse(parts[0])), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "pageToken is not a token this API returned.", e);
        }
    }

    public String encode() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((createdAt + "/" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** Checks a requested page size: absent means the default, out of range is a client error. */
    public static int pageSize(@Nullable Integer requested) {
        if (requested == null) {
            return DEFAULT_PAGE_SIZE;
        }
        if (requested < 1 || requested > MAX_PAGE_SIZE) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "pageSize must be between 1 and %d.".formatted(MAX_PAGE_SIZE));
        }
        return requested;
    }

    /**
     * A page from rows fetched with {@code LIMIT pageSize + 1}: the extra row only says whether there is a next page.
     */
    public static <T> Page<T> page(List<T> rows, int pageSize, Function<T, Cursor> position) {
        if (rows.size() <= pageSize) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, pageSize);
        return new Page<>(items, position.apply(items.getLast()).encode());
    }
}
