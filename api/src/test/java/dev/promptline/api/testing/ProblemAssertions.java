package dev.promptline.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** The contract every error response keeps: an RFC 9457 problem detail with our code and the request id. */
public final class ProblemAssertions {
    private ProblemAssertions() {}

    public static JsonNode assertProblem(HttpResponse<String> response, int status, String code, String instance) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = Http.json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("type").asString())
                .isEqualTo("https://promptline.dev/problems/"
                        + code.toLowerCase(Locale.ROOT).replace('_', '-'));
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("instance").asString()).isEqualTo(instance);
        assertThat(problem.get("requestId").asString())
                .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(response.body()).doesNotContain("\"trace\"").doesNotContain("Exception");
        return problem;
    }
}
