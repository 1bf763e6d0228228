package dev.promptline.api.openai;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.web.LogSafe;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every error of the OpenAI-compatible routes in OpenAI's shape and with its real status, ahead of the service-wide
 * problem details (which the SDKs would not read). {@code x-should-retry: false} tells the SDKs not to retry what
 * cannot succeed on a retry.
 */
@RestControllerAdvice(assignableTypes = OpenAiController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenAiErrorAdvice {
    static final String SHOULD_RETRY = "x-should-retry";

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorAdvice.class);

    private final OpenAiJson json;

    OpenAiErrorAdvice(OpenAiJson json) {
        this.json = json;
    }

    @ExceptionHandler(OpenAiException.class)
    ResponseEntity<String> onOpenAi(OpenAiException e) {
        log.debug("OpenAI-compatible request refused: {}", e.getMessage());
        return response(e.error());
    }

    @ExceptionHandler(PromptlineException.class)
    ResponseEntity<String> onPromptline(PromptlineException e, HttpServletRequest request) {
        log(e);
        OpenAiError error = OpenAiErrors.of(e);
        String param = error.param();
        if (param != null
                && param.startsWith("prompt_variables")
                && request.getRequestURI().equals("/v1/responses")) {
            // The Responses API carries the variables in prompt.variables.
            String renamed = "prompt.variables" + param.substring("prompt_variables".length());
            error = new OpenAiError(
                    error.status(), error.message().replace(param, renamed), error.type(), renamed, error.code());
        }
        return response(error);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<String> onUnreadable(HttpMessageNotReadableException e) {
        log.debug("Unreadable OpenAI-compatible request: {}", e.getMessage());
        return response(new OpenAiError(
                400,
                "We could not parse the JSON body of your request: send one JSON object.",
                OpenAiErrors.INVALID_REQUEST,
                null,
                "invalid_json"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> onMediaType(HttpMediaTypeNotSupportedException e) {
        return response(
                OpenAiErrors.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json."));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<String> onNotAcceptable(HttpMediaTypeNotAcceptableException e) {
        return response(OpenAiErrors.of(
                ErrorCode.NOT_ACCEPTABLE, "This API answers application/json, or text/event-stream when streaming."));
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class})
    ResponseEntity<String> onDatabaseUnavailable(Exception e) {
        log(e);
        return response(OpenAiErrors.of(
                ErrorCode.DATABASE_UNAVAILABLE, "The database is not reachable. Nothing was run; retry later."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> onUnexpected(Exception e) {
        log(e);
        return response(OpenAiErrors.of(
                ErrorCode.INTERNAL, "An unexpected error occurred. Quote the x-request-id when reporting it."));
    }

    private ResponseEntity<String> response(OpenAiError error) {
        var response = ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON);
        if (!error.retryable()) {
            response.header(SHOULD_RETRY, "false");
        }
        return response.body(json.write(error.body()));
    }

    /** Once, at the level its cause deserves: a caller's mistake at DEBUG, ours and our dependencies' louder. */
    static void log(Exception e) {
        if (e instanceof PromptlineException known) {
            switch (known.code().category()) {
                case CLIENT -> log.debug("OpenAI-compatible request refused: {}", known.getMessage());
                case DEPENDENCY -> log.warn("OpenAI-compatible request failed: {}", known.getMessage());
                case SERVER -> log.error("OpenAI-compatible request failed: {}", known.getMessage());
            }
            return;
        }
        if (e instanceof DataAccessResourceFailureException) {
            log.warn("OpenAI-compatible request failed, database unreachable: {}", LogSafe.summary(e));
            return;
        }
        log.error("OpenAI-compatible request failed unexpectedly: {}", LogSafe.summary(e));
        log.debug("Stack trace of the unexpected failure", e);
    }
}
