package dev.promptline.runtime.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the fake provider answers to one request. Immutable; the option methods return modified copies. */
public sealed interface Reply permits Reply.Stream, Reply.Status, Reply.HangUp {

    /** In a token, stands for the model the request named: concurrent streams can then be told apart. */
    String MODEL = "{model}";

    /** The input token count reported in the usage of a stream unless {@link Stream#inputTokens(int)} says else. */
    int DEFAULT_INPUT_TOKENS = 12;

    /** A 200 event stream sending one event per token, then the provider's ending with finish reason "stop". */
    static Stream stream(String... tokens) {
        return new Stream(
                List.of(tokens), Duration.ZERO, Duration.ZERO, Stream.NEVER, Stream.NEVER, false, DEFAULT_INPUT_TOKENS);
    }

    /** An error status whose body is the provider's own error JSON for that status. */
    static Status status(int code) {
        return new Status(code, null, Map.of());
    }

    /** An error status with this exact body. */
    static Status status(int code, String jsonBody) {
        return new Status(code, jsonBody, Map.of());
    }

    static Status unauthorized() {
        return status(401);
    }

    /** 429 with {@code Retry-After} in whole seconds, rounded up. */
    static Status rateLimited(Duration retryAfter) {
        return status(429).retryAfter(retryAfter);
    }

    static Status serverError() {
        return status(500);
    }

    static Status unavailable() {
        return status(503);
    }

    /** 529, Anthropic's "overloaded_error". */
    static Status overloaded() {
        return status(529);
    }

    /** Reads the request, then closes the connection without sending a single byte. */
    static HangUp hangUp() {
        return new HangUp();
    }

    /**
     * A streamed completion.
     *
     * <p>Timeline: wait {@code firstTokenAfter}, send the status line and headers together with the provider's
     * preamble events and the first token (so a client request timeout fires during that wait), then each further
     * token {@code tokenInterval} after the previous one, then the ending events and the terminating chunk.
     *
     * @param dropAfter after this many tokens, when the next one is due, close the socket without the terminating
     *     zero-length chunk; when it equals the token count, the ending events (finish reason, usage) are never sent.
     *     {@link #NEVER} to not drop. The JDK HttpClient may discard bytes it has received but not yet handed over
     *     when the connection fails, so the last tokens before a drop can be lost without a {@code tokenInterval}.
     * @param malformedAfter after this many tokens, send one event whose JSON is cut off, then carry on with the
     *     remaining tokens and the normal ending. {@link #NEVER} to not send it.
     * @param lengthLimited finish with "length" (OpenAI) / "max_tokens" (Anthropic) instead of a normal stop
     * @param inputTokens the prompt token count reported in the usage; the output count is the number of tokens
     */
    record Stream(
            List<String> tokens,
            Duration firstTokenAfter,
            Duration tokenInterval,
            int dropAfter,
            int malformedAfter,
            boolean lengthLimited,
            int inputTokens)
            implements Reply {

        public static final int NEVER = -1;

        public Stream {
            tokens = List.copyOf(tokens);
            if (firstTokenAfter.isNegative() || tokenInterval.isNegative()) {
                throw new IllegalArgumentException("delays must not be negative");
            }
        }

        public Stream firstTokenAfter(Duration delay) {
            return new Stream(tokens, delay, tokenInterval, dropAfter, malformedAfter, lengthLimited, inputTokens);
        }

        public Stream tokenInterval(Duration interval) {
            return new Stream(tokens, firstTokenAfter, interval, dropAfter, malformedAfter, lengthLimited, inputTokens);
        }

        public Stream tokensPerSecond(double rate) {
            return tokenInterval(Duration.ofNanos(Math.round(1e9 / rate)));
        }

        public Stream dropAfter(int tokenCount) {
            return new Stream(
                    tokens, firstTokenAfter, tokenInterval, tokenCount, malformedAfter, lengthLimited, inputTokens);
        }

        public Stream malformedAfter(int tokenCount) {
            return new Stream(
                    tokens, firstTokenAfter, tokenInterval, dropAfter, tokenCount, lengthLimited, inputTokens);
        }

        /** Finish as if the completion hit the max tokens limit. */
        public Stream finishWithLength() {
            return new Stream(tokens, firstTokenAfter, tokenInterval, dropAfter, malformedAfter, true, inputTokens);
        }

        public Stream inputTokens(int count) {
            return new Stream(tokens, firstTokenAfter, tokenInterval, dropAfter, malformedAfter, lengthLimited, count);
        }
    }

    /**
     * A non-streamed error answer, sent with {@code Content-Length} on a connection that stays open.
     *
     * @param body the JSON body, or null for the provider's own error JSON for {@code code}
     */
    record Status(int code, @Nullable String body, Map<String, String> headers) implements Reply {

        public Status {
            headers = Map.copyOf(headers);
        }

        public Status header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Status(code, body, more);
        }

        public Status retryAfter(Duration delay) {
            long seconds = (delay.toMillis() + 999) / 1000;
            return header("Retry-After", Long.toString(seconds));
        }
    }

    record HangUp() implements Reply {}
}
