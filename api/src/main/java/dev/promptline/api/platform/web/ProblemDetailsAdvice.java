package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.FieldViolation;
import dev.promptline.api.platform.errors.PromptlineException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.validation.BindingResult;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one place where exceptions become HTTP. Spring's own exceptions keep their status but get our catalogue's code,
 * type and request id; ours carry their code; anything else is a 500 whose detail reveals nothing internal. Server and
 * dependency errors are logged here, once, with their cause.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private final Problems problems;

    ProblemDetailsAdvice(Problems problems) {
        this.problems = problems;
    }

    @ExceptionHandler(PromptlineException.class)
    ResponseEntity<ProblemDetail> onPromptline(PromptlineException e, HttpServletRequest request) {
        logIfOurs(e.code(), e);
        if (!e.violations().isEmpty()) {
            return Problems.response(
                    problems.withErrors(e.code(), e.getMessage(), request.getRequestURI(), e.violations()));
        }
        ProblemDetail problem = problems.create(e.code(), e.getMessage(), request.getRequestURI());
        e.properties().forEach(problem::setProperty);
        return Problems.response(problem);
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class})
    ResponseEntity<ProblemDetail> onDatabaseUnavailable(Exception e, HttpServletRequest request) {
        logIfOurs(ErrorCode.DATABASE_UNAVAILABLE, e);
        return Problems.response(problems.create(
                ErrorCode.DATABASE_UNAVAILABLE,
                "The database is not reachable. Nothing was changed; retry later.",
                request.getRequestURI()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> onUnexpected(Exception e, HttpServletRequest request) {
        logIfOurs(ErrorCode.INTERNAL, e);
        return Problems.response(problems.create(
                ErrorCode.INTERNAL,
                "An unexpected error occurred. Quote the requestId when reporting it.",
                request.getRequestURI()));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return validationProblem(fieldErrors(e.getBindingResult()), request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldViolation> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> new FieldViolation(
                                "#/" + result.getMethodParameter().getParameterName(),
                                String.valueOf(error.getDefaultMessage()))))
                .toList();
        return validationProblem(errors, request);
    }

    /**
     * Every other exception Spring MVC raises on its own (404, 405, 406, 413, 415, unreadable bodies, bad path
     * variables) ends here with its status already chosen; we give it our code, a useful detail and the request id.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ErrorCode code = codeFor(e, status);
        ProblemDetail problem = e instanceof HttpMessageNotReadableException unreadable
                        && code == ErrorCode.MALFORMED_REQUEST_BODY
                        && JsonPointers.violation(unreadable).isPresent()
                ? problems.withErrors(
                        code,
                        detailFor(e, code),
                        path(request),
                        List.of(JsonPointers.violation(unreadable).get()))
                : problems.create(code, detailFor(e, code), path(request));
        logIfOurs(code, e);
        return ResponseEntity.status(code.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private ResponseEntity<Object> validationProblem(List<FieldViolation> errors, WebRequest request) {
        ProblemDetail problem = problems.withErrors(
                ErrorCode.INVALID_REQUEST,
                "The request has %d invalid field(s); see errors.".formatted(errors.size()),
                path(request),
                errors);
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static List<FieldViolation> fieldErrors(BindingResult result) {
        var errors = new ArrayList<FieldViolation>();
        result.getGlobalErrors()
                .forEach(error -> errors.add(new FieldViolation("#", String.valueOf(error.getDefaultMessage()))));
        result.getFieldErrors()
                .forEach(error -> errors.add(new FieldViolation(
                        JsonPointers.fromPropertyPath(error.getField()), String.valueOf(error.getDefaultMessage()))));
        return List.copyOf(errors);
    }

    private static ErrorCode codeFor(Exception e, HttpStatusCode status) {
        return switch (e) {
            case HttpMessageNotReadableException unreadable
            when BodyLimitFilter.isBodyTooLarge(unreadable) -> ErrorCode.PAYLOAD_TOO_LARGE;
            case HttpMessageNotReadableException unreadable -> ErrorCode.MALFORMED_REQUEST_BODY;
            case NoResourceFoundException notFound -> ErrorCode.RESOURCE_NOT_FOUND;
            case NoHandlerFoundException notFound -> ErrorCode.RESOURCE_NOT_FOUND;
            case HttpRequestMethodNotSupportedException notAllowed -> ErrorCode.METHOD_NOT_ALLOWED;
            case HttpMediaTypeNotSupportedException unsupported -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case HttpMediaTypeNotAcceptableException notAcceptable -> ErrorCode.NOT_ACCEPTABLE;
            case MaxUploadSizeExceededException tooLarge -> ErrorCode.PAYLOAD_TOO_LARGE;
            case TypeMismatchException mismatch -> ErrorCode.INVALID_PARAMETER;
            default -> status.is4xxClientError() ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL;
        };
    }

    private static String detailFor(Exception e, ErrorCode code) {
        return switch (e) {
            case HttpMessageNotReadableException unreadable
            when code == ErrorCode.PAYLOAD_TOO_LARGE -> BodyLimitFilter.detail(unreadable);
            case HttpMessageNotReadableException unreadable -> JsonPointers.describeUnreadable(unreadable);
            case NoResourceFoundException notFound -> "No resource at %s.".formatted("/" + notFound.getResourcePath());
            case HttpRequestMethodNotSupportedException notAllowed ->
                "Method %s is not supported here; use one of %s."
                        .formatted(notAllowed.getMethod(), notAllowed.getSupportedHttpMethods());
            case HttpMediaTypeNotSupportedException unsupported ->
                "Content type %s is not supported here; send one of %s."
                        .formatted(unsupported.getContentType(), unsupported.getSupportedMediaTypes());
            case HttpMediaTypeNotAcceptableException notAcceptable ->
                "None of the accepted media types can be produced; acceptable: %s."
                        .formatted(notAcceptable.getSupportedMediaTypes());
            case TypeMismatchException mismatch ->
                "Parameter '%s' has an invalid value '%s'%s."
                        .formatted(
                                mismatch.getPropertyName(),
                                mismatch.getValue(),
                                mismatch.getRequiredType() == UUID.class ? "; expected a UUID" : "");
            default ->
                code == ErrorCode.INTERNAL
                        ? "An unexpected error occurred. Quote the requestId when reporting it."
                        : code.title() + ".";
        };
    }

    private static String path(WebRequest request) {
        if (request instanceof NativeWebRequest nativeRequest
                && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            return servletRequest.getRequestURI();
        }
        return "/";
    }

    private static void logIfOurs(ErrorCode code, Exception e) {
        switch (code.category()) {
            case CLIENT -> log.debug("Client error {}: {}", code, e.getMessage());
            case DEPENDENCY -> log.warn("Dependency error {}: {}", code, e.toString(), e);
            case SERVER -> log.error("Unexpected error {}", code, e);
        }
    }
}
