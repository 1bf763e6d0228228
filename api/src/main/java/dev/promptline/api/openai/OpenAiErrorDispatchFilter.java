package dev.promptline.api.openai;

import dev.promptline.api.platform.web.ErrorDispatchFilter;
import dev.promptline.api.platform.web.ProblemErrorController;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;

/**
 * OpenAI's error shape for the refusals under {@code /v1/**} that happen before any controller: a missing or bad API
 * key, a role that may not, the rate limit, a body too large, a refused origin.
 */
final class OpenAiErrorDispatchFilter extends ErrorDispatchFilter {
    private final OpenAiJson json;

    OpenAiErrorDispatchFilter(OpenAiJson json) {
        super("/v1");
        this.json = json;
    }

    @Override
    protected void answer(HttpServletResponse response, ProblemErrorController.Description description)
            throws IOException {
        OpenAiError error = OpenAiErrors.of(description.code(), description.detail());
        if (error.status() != description.status()) {
            error = new OpenAiError(description.status(), error.message(), error.type(), error.param(), error.code());
        }
        byte[] body = json.write(error.body()).getBytes(StandardCharsets.UTF_8);
        response.setStatus(error.status());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (!error.retryable()) {
            response.setHeader(OpenAiErrorAdvice.SHOULD_RETRY, "false");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
