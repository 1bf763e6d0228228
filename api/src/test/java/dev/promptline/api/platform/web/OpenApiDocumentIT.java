package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document says what the controllers do: the container's {@code /error} is not an operation, and each
 * operation documents the one success status its handler answers. A handler that builds a {@code ResponseEntity}
 * picks its status at run time, where the document generator cannot see it, so it must declare it with
 * {@code @ResponseStatus} too.
 */
class OpenApiDocumentIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void theErrorDispatchIsNotAnOperation() {
        JsonNode paths = document().get("paths");
        assertThat(paths.propertyNames()).doesNotContain("/error");
    }

    @Test
    void everyOperationDocumentsTheSuccessStatusItsHandlerAnswers() {
        JsonNode paths = document().get("paths");
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            var handler = entry.getValue();
            if (!handler.getBeanType().getPackageName().startsWith("dev.promptline.api")
                    || handler.getBeanType() == ProblemErrorController.class) {
                continue;
            }
            ResponseStatus declared =
                    AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), ResponseStatus.class);
            if (declared == null
                    && ResponseEntity.class.isAssignableFrom(handler.getMethod().getReturnType())) {
                mismatches.add(handler + " returns a ResponseEntity without @ResponseStatus");
                continue;
            }
            String expected =
                    String.valueOf(declared == null ? 200 : declared.code().value());
            for (String path : entry.getKey().getPatternValues()) {
                for (var method : entry.getKey().getMethodsCondition().getMethods()) {
                    JsonNode operation = paths.path(path).path(method.name().toLowerCase(Locale.ROOT));
                    if (operation.isMissingNode()) {
                        continue; // not documented at all (probes, the OpenAPI document itself)
                    }
                    checked++;
                    List<String> documented = operation.get("responses").propertyNames().stream()
                            .filter(status -> status.startsWith("2"))
                            .toList();
                    if (!documented.equals(List.of(expected))) {
                        mismatches.add("%s %s documents %s, answers %s".formatted(method, path, documented, expected));
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(mismatches).isEmpty();
    }

    private JsonNode document() {
        var response = new Http(port).get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        return Http.json(response);
    }
}
