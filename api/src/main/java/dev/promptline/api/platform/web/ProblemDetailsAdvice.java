package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.FieldViolation;
import dev.promptline.api.platform.errors.PromptlineException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
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

    /**
     * Constraints on query, path and header parameters of a {@code @Validated} controller, checked by the method
     * validation proxy: a 400 listing each bad parameter, like a bad body.
     */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> onConstraintViolation(ConstraintViolationException e, WebRequest request) {
        List<FieldViolation> errors = e.getConstraintViolations().stream()
                .map(violation -> new FieldViolation(pointer(violation.getPropertyPath()), violation.getMessage()))
                .sorted(Comparator.comparing(FieldViolation::pointer))
                .toList();
        logIfOurs(ErrorCode.INVALID_REQUEST, e);
        return validationProblem(errors, request);
    }

    /**
     * A value the request validation let through but the database refuses. Whether that is the caller's doing is
     * read from the SQLState: a rule on the data (class 22, NOT NULL, CHECK) is a 400, a clash with other rows
     * (unique, foreign key) a 409; anything else stays a 500. The detail names the constraint, never the row.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> onDataIntegrity(DataIntegrityViolationException e, HttpServletRequest request) {
        ErrorCode code = DatabaseErrors.codeFor(e);
        logIfOurs(code, e);
        String detail = switch (code) {
            case CONFLICT -> "The request conflicts with stored data%s.".formatted(DatabaseErrors.rule(e));
            case INVALID_REQUEST ->
                "A value in the request cannot be stored%s; check the request's fields."
                        .formatted(DatabaseErrors.rule(e));
            default -> "An unexpected error occurred. Quote the requestId when reporting it.";
        };
        return Problems.response(problems.create(code, detail, request.getRequestURI()));
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

    /** As the base class, without its WARN line per request: a wrong method is the caller's error, logged at DEBUG. */
    @Override
    protected @Nullable ResponseEntity<Object> handleHttpRequestMethodNotSupported(
            HttpRequestMethodNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(e, null, headers, status, request);
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
                                LogSafe.abbreviate(String.valueOf(mismatch.getValue())),
                                mismatch.getRequiredType() == UUID.class ? "; expected a UUID" : reason(mismatch));
            default ->
                code == ErrorCode.INTERNAL
                        ? "An unexpected error occurred. Quote the requestId when reporting it."
                        : code.title() + ".";
        };
    }

    /** Why a conversion failed, when it was one of our rules (NUL characters, the instant range) that refused it. */
    private static String reason(TypeMismatchException mismatch) {
        for (Throwable cause = mismatch.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException refused
                    && refused.getMessage() != null
                    && (refused.getMessage().equals(InputDecoding.NUL_RULE)
                            || refused.getMessage().equals(StorableTimestamps.RULE))) {
                return "; it " + refused.getMessage();
            }
        }
        return "";
    }

    /** {@code list.arg0.label} (method, parameter, property) to {@code #/label}: the method's name means nothing. */
    private static String pointer(Path path) {
        var names = new ArrayList<String>();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getIndex() != null) {
                names.add(String.valueOf(node.getIndex()));
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                names.add(node.getName());
            }
        }
        return "#/" + String.join("/", names);
    }

    private static String path(WebRequest request) {
        if (request instanceof NativeWebRequest nativeRequest
                && nativeRequest.getNativeRequest() instanceof HttpServletRequest servletRequest) {
            return servletRequest.getRequestURI();
        }
        return "/";
    }

    /**
     * One line per error, whatever the caller sends: client errors at DEBUG, ours as a short summary (the exception
     * chain and where it was thrown) with the request id from the MDC. The full stack trace is there at DEBUG, so a
     * caller that can trigger an error cannot fill the log with kilobytes per request.
     */
    private static void logIfOurs(ErrorCode code, Exception e) {
        switch (code.category()) {
            case CLIENT -> log.debug("Client error {}: {}", code, LogSafe.summary(e));
            case DEPENDENCY -> log.warn("Dependency error {}: {}", code, LogSafe.summary(e));
            case SERVER -> log.error("Unexpected error {}: {}", code, LogSafe.summary(e));
        }
        if (code.category() != ErrorCode.Category.CLIENT) {
            log.debug("Stack trace of {}", code, e);
        }
    }
}
