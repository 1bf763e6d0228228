package dev.promptline.api.platform.web;

import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The id that ties a request's response, problem details and log lines together. A caller's {@code X-Request-Id} is
 * kept when it is safe to log (so ids flow through from a gateway); otherwise one is generated.
 */
public final class RequestId {
    public static final String HEADER = "X-Request-Id";

    /** The MDC key; structured logging writes it as a field of every line logged while the request runs. */
    public static final String MDC_KEY = "requestId";

    // Bounded and restricted to characters that cannot forge log fields or headers.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestId() {}

    /** The id of the request being served on this thread, or {@code null} outside a request. */
    public static @Nullable String current() {
        return MDC.get(MDC_KEY);
    }

    static String acceptOrGenerate(@Nullable String offered) {
        if (offered != null && SAFE.matcher(offered).matches()) {
            return offered;
        }
        return UUID.randomUUID().toString();
    }
}
