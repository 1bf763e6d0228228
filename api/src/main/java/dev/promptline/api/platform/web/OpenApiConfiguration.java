package dev.promptline.api.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document: API-key authentication, and the error responses every {@code /api} operation can give,
 * all in the one problem-detail shape. Endpoints themselves are described from the controllers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
    private static final String PROBLEM = "Problem";
    private static final String API_KEY = "apiKey";
    private static final String OPERATOR_KEY = "operatorKey";

    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            openApi.info(new Info()
                    .title("Promptline API")
                    .version("v1")
                    .description("Model registry, versioned prompts and their execution. Every error is an RFC 9457 "
                            + "problem detail (application/problem+json) with a stable code and the request id."));
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            components.addSecuritySchemes(
                    API_KEY,
                    new SecurityScheme()
                            .type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .description("An API key: pl_<prefix>_<secret>"));
            components.addSecuritySchemes(
                    OPERATOR_KEY,
                    new SecurityScheme()
                            .type(SecurityScheme.Type.HTTP)
                            .scheme("bearer")
                            .description("The operator key (OPERATOR_API_KEY) for /operator/** only; an API key is "
                                    + "never accepted there"));
            components.addSchemas(PROBLEM, problemSchema());
            openApi.components(components);
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith("/api/")) {
                    item.readOperations().forEach(operation -> describeErrors(operation, API_KEY));
                } else if (path.startsWith("/operator/")) {
                    item.readOperations().forEach(operation -> describeErrors(operation, OPERATOR_KEY));
                }
            });
        };
    }

    private static void describeErrors(Operation operation, String securityScheme) {
        operation.addSecurityItem(new SecurityRequirement().addList(securityScheme));
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("400", "Invalid request: the errors member lists each bad field");
        errors.put("401", "No key, or an invalid, expired or revoked one");
        errors.put("403", "The key's role does not allow this");
        errors.put("404", "No such resource in the caller's organization");
        errors.put("429", "Rate limit reached; see Retry-After");
        errors.put("500", "Unexpected error; quote the requestId");
        errors.put("503", "A dependency (the database) is unavailable");
        errors.forEach((status, description) -> {
            if (operation.getResponses().get(status) == null) {
                operation
                        .getResponses()
                        .addApiResponse(
                                status,
                                new ApiResponse()
                                        .description(description)
                                        .content(new Content()
                                                .addMediaType(
                                                        "application/problem+json",
                                                        new MediaType()
                                                                .schema(new Schema<>()
                                                                        .$ref("#/components/schemas/" + PROBLEM)))));
            }
        });
    }

    private static Schema<?> problemSchema() {
        var violation = new ObjectSchema()
                .addProperty("pointer", new StringSchema().example("#/name"))
                .addProperty("detail", new StringSchema().example("must not be blank"));
        return new ObjectSchema()
                .description("RFC 9457 problem detail")
                .addProperty("type", new StringSchema().example("https://promptline.dev/problems/invalid-request"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("code", new StringSchema().example("INVALID_REQUEST"))
                .addProperty("requestId", new StringSchema())
                .addProperty("errors", new ArraySchema().items(violation));
    }
}
