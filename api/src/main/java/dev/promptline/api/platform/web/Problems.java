package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.FieldViolation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Builds every problem detail the API returns, so that all of them carry {@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance}, {@code code} and {@code requestId}, and every one is counted by code.
 */
@Component
class Problems {
    private final MeterRegistry meters;

    Problems(MeterRegistry meters) {
        this.meters = meters;
    }

    ProblemDetail create(ErrorCode code, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(code.status()), detail);
        problem.setType(code.type());
        problem.setTitle(code.title());
        problem.setInstance(URI.create(path));
        problem.setProperty("code", code.name());
        problem.setProperty("requestId", RequestId.current());
        Counter.builder("promptline.errors")
                .description("Problem details returned, by error code")
                .tag("code", code.name())
                .register(meters)
                .increment();
        return problem;
    }

    ProblemDetail withErrors(ErrorCode code, String detail, String path, List<FieldViolation> errors) {
        ProblemDetail problem = create(code, detail, path);
        problem.setProperty("errors", errors);
        return problem;
    }

    static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
