package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.promptline.api.testing.Http;
import dev.promptline.runtime.testing.FakeProvider;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Errors of the OpenAI-compatible API as the SDK reads them: the real status, OpenAI's error shape (never a problem
 * detail), the field at fault in {@code param}, {@code x-should-retry: false} where a retry cannot help, and nothing
 * run or recorded.
 */
class OpenAiErrorsIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    @Test
    void aMissingOrBadKeyIsA401InOpenAisShape() {
        var unauthorized = catchThrowableOfType(
                UnauthorizedException.class, () -> sdk("pl_notakey_x").models().list());
        var anonymous = http.get("/v1/models");

        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.type()).hasValue("authentication_error");
        assertThat(unauthorized.code()).hasValue("invalid_api_key");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertOpenAiError(anonymous, "authentication_error", null);
        assertThat(Http.json(anonymous).get("error").get("message").asString()).contains("Authorization: Bearer");
        assertThat(anonymous.headers().firstValue("x-should-retry")).hasValue("false");
    }

    @Test
    void anUnknownPromptModelOrLabelIsA404NamingTheModel() {
        for (String model : List.of("prompt:nope", "gpt-unknown", "prompt:triage@nope", "prompt:triage#9")) {
            var notFound = catchThrowableOfType(
                    NotFoundException.class,
                    () -> sdk().chat()
                            .completions()
                            .create(call(model, model.startsWith("prompt:") ? Map.of("ticket", "x") : Map.of())));

            assertThat(notFound.statusCode()).as(model).isEqualTo(404);
            assertThat(notFound.param()).as(model).hasValue("model");
            assertThat(notFound.code()).as(model).hasValue("model_not_found");
            assertThat(notFound.headers().values("x-should-retry")).containsExactly("false");
        }
        assertThat(executionCount()).isZero();
    }

    @Test
    void anUnknownRouteIsA404InOpenAisShape() {
        var response = http.postJson("/v1/embeddings", "{\"model\": \"fake\", \"input\": \"x\"}", owner);

        assertThat(response.statusCode()).isEqualTo(404);
        assertOpenAiError(response, "invalid_request_error", null);
        assertThat(Http.json(response).get("error").get("code").asString()).isEqualTo("unknown_url");
    }

    @Test
    void badVariablesAreA400NamingTheVariable() {
        int requests = provider().requestCount();
        var missing = catchThrowableOfType(
                BadRequestException.class, () -> sdk().chat().completions().create(call("prompt:triage", Map.of())));
        var unknown = catchThrowableOfType(
                BadRequestException.class,
                () -> sdk().chat().completions().create(call("prompt:triage", Map.of("ticket", "x", "tiket", "y"))));

        assertThat(missing.param()).hasValue("prompt_variables");
        assertThat(missing.getMessage()).contains("missing: ticket");
        assertThat(unknown.param()).hasValue("prompt_variables");
        assertThat(unknown.getMessage()).contains("tiket");
        assertThat(missing.headers().values("x-should-retry")).containsExactly("false");
        assertThat(executionCount()).isZero();
        assertThat(provider().requestCount()).isEqualTo(requests);
    }

    @Test
    void aParameterThatCannotBeHonouredIsRefusedByName() {
        Map<String, String> refused = Map.of(
                "seed", "\"seed\": 7",
                "safety_identifier", "\"safety_identifier\": \"someone\"",
                "tools", "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]",
                "n", "\"n\": 2",
                "logprobs", "\"logprobs\": true",
                "response_format", "\"response_format\": {\"type\": \"json_object\"}",
                "messages[0].role", "\"messages\": [{\"role\": \"tool\", \"content\": \"x\", \"tool_call_id\": \"1\"}]",
                "temperature", "\"temperature\": 3",
                "frobnicate", "\"frobnicate\": 1");
        refused.forEach((param, field) -> {
            var response = http.postJson("/v1/chat/completions", "{\"model\": \"fake\", " + field + "}", owner);

            assertThat(response.statusCode()).as(field).isEqualTo(400);
            assertOpenAiError(response, "invalid_request_error", param);
            assertThat(response.headers().firstValue("x-should-retry")).hasValue("false");
        });
        assertThat(executionCount()).isZero();
    }

    @Test
    void theSdkSeesARefusedParameterWithItsName() {
        var refused = catchThrowableOfType(
                BadRequestException.class,
                () -> sdk().chat()
                        .completions()
                        .create(call("prompt:triage", Map.of("ticket", "x")).toBuilder()
                                .seed(42)
                                .build()));

        assertThat(refused.param()).hasValue("seed");
        assertThat(refused.code()).hasValue("unsupported_parameter");
    }

    @Test
    void aMalformedBodyIsA400() {
        var response = http.postJson("/v1/chat/completions", "{\"model\": ", owner);

        assertThat(response.statusCode()).isEqualTo(400);
        assertOpenAiError(response, "invalid_request_error", null);
    }

    @Test
    void aProviderFailureIsA5xxThatTheSdkMayRetry() {
        provider()
                .enqueue(
                        dev.promptline.runtime.testing.Reply.unavailable(),
                        dev.promptline.runtime.testing.Reply.unavailable(),
                        dev.promptline.runtime.testing.Reply.unavailable());
        var failed = catchThrowableOfType(
                OpenAIServiceException.class,
                () -> sdk().chat().completions().create(call("prompt:triage", Map.of("ticket", "x"))));

        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.type()).hasValue("server_error");
        assertThat(failed.headers().values("x-should-retry")).isEmpty();
        String executionId =
                failed.headers().values("x-promptline-execution-id").getFirst();
        assertThat(executionStatus(executionId)).isEqualTo("failed");
    }

    private static ChatCompletionCreateParams call(String model, Map<String, String> variables) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Hello")
                .putAdditionalBodyProperty("prompt_variables", JsonValue.from(variables))
                .build();
    }

    static void assertOpenAiError(HttpResponse<String> response, String type, String param) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(contentType -> assertThat(contentType).startsWith("application/json"));
        JsonNode error = Http.json(response).get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.propertyNames()).containsExactly("message", "type", "param", "code");
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("type").asString()).isEqualTo(type);
        if (param == null) {
            assertThat(error.get("param").isNull()).as(response.body()).isTrue();
        } else {
            assertThat(error.get("param").asString()).as(response.body()).isEqualTo(param);
        }
    }
}
