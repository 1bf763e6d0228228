package dev.promptline.runtime.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.anthropic.internal.api.AnthropicStreamingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns what a provider call threw into the contract's error codes and the retry decision:
 * rate limits, 5xx, timeouts and broken connections are worth another attempt; a refused credential or a bad
 * request is not.
 */
final class ProviderErrors {
    /** Provider messages are shown to users; they are cut, and the credential is masked if a provider echoes it. */
    private static final int MESSAGE_LIMIT = 300;

    private ProviderErrors() {}

    static ModelCallException forStatus(
            int status, @Nullable Duration retryAfter, String body, @Nullable String secret) {
        String message = "The provider answered %d: %s".formatted(status, shorten(body, secret));
        return switch (status) {
            case 401, 403 -> new ModelCallException(ModelCallException.Kind.AUTH_FAILED, message, false);
            case 408 -> new ModelCallException(ModelCallException.Kind.TIMEOUT, message, true);
            case 429 ->
                new ModelCallException(ModelCallException.Kind.RATE_LIMITED, message, true).withRetryAfter(retryAfter);
            default ->
                status >= 500
                        ? new ModelCallException(ModelCallException.Kind.PROVIDER_UNAVAILABLE, message, true)
                                .withRetryAfter(retryAfter)
                        : new ModelCallException(ModelCallException.Kind.INVALID_REQUEST, message, false);
        };
    }

    /** Classifies anything a call threw; the first {@link ModelCallException} in the cause chain wins. */
    static ModelCallException classify(Throwable thrown, @Nullable String secret) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof ModelCallException classified) {
                return classified;
            }
        }
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            ModelCallException classified = classifyOne(cause, secret);
            if (classified != null) {
                return classified;
            }
        }
        return new ModelCallException(
                ModelCallException.Kind.INTERNAL,
                "The provider call failed: " + describe(thrown, secret),
                false,
                thrown);
    }

    private static @Nullable ModelCallException classifyOne(Throwable cause, @Nullable String secret) {
        String detail = describe(cause, secret);
        return switch (cause) {
            case HttpException e -> forStatus(e.statusCode(), null, detail, secret);
            case AuthenticationException e ->
                new ModelCallException(
                        ModelCallException.Kind.AUTH_FAILED, "The provider refused the credential", false);
            case RateLimitException e ->
                new ModelCallException(ModelCallException.Kind.RATE_LIMITED, "The provider is rate limiting", true);
            case InternalServerException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE, "The provider failed: " + detail, true);
            case ModelNotFoundException e ->
                new ModelCallException(
                        ModelCallException.Kind.INVALID_REQUEST,
                        "The provider does not know the model: " + detail,
                        false);
            case InvalidRequestException e ->
                new ModelCallException(
                        ModelCallException.Kind.INVALID_REQUEST, "The provider refused the request: " + detail, false);
            // An error event inside an Anthropic stream, such as overloaded_error.
            case AnthropicStreamingException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE, "The provider reported: " + detail, true);
            case HttpTimeoutException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE,
                        "The provider did not answer in time: " + detail,
                        true);
            case ConnectException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE,
                        "Cannot connect to the provider: " + detail,
                        true);
            case UnresolvedAddressException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE, "Cannot resolve the provider host", true);
            // LangChain4j parses each event with Jackson; a chunk that is not JSON is a broken stream
            // (Jackson's exceptions are IOExceptions, so this comes first).
            case com.fasterxml.jackson.core.JacksonException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE, "The provider sent a malformed event", true);
            // Reset, refused mid-way, or a body that ended early: the provider broke the exchange.
            case IOException e ->
                new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE,
                        "The connection to the provider broke: " + detail,
                        true);
            default -> null;
        };
    }

    /** Retry-After is seconds or an HTTP date; anything else is ignored. */
    static @Nullable Duration parseRetryAfter(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String describe(Throwable thrown, @Nullable String secret) {
        String message = thrown.getMessage();
        return message == null ? thrown.getClass().getSimpleName() : shorten(message, secret);
    }

    private static String shorten(String text, @Nullable String secret) {
        String masked = secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
        String oneLine = masked.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MESSAGE_LIMIT ? oneLine : oneLine.substring(0, MESSAGE_LIMIT) + "…";
    }
}
