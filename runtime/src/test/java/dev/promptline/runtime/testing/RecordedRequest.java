package dev.promptline.runtime.testing;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request as the fake provider received it.
 *
 * @param path the request target as sent, query string included
 * @param headers header names in lower case; repeated headers joined with {@code ", "}
 * @param body the body decoded as UTF-8, empty when there was none
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** The value of a header, looked up case-insensitively, or null when absent. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
