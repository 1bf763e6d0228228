package dev.promptline.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON as OpenAI writes it: with its nulls. The service's mapper leaves null members out, but OpenAI's schemas
 * require some that are null ({@code finish_reason} until the last chunk, an error's {@code param}) and the SDKs read
 * them strictly.
 */
@Component
class OpenAiJson {
    private final JsonMapper json;

    OpenAiJson(JsonMapper json) {
        this.json = json.rebuild()
                .changeDefaultPropertyInclusion(inclusion ->
                        JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS))
                .build();
    }

    String write(Object value) {
        return json.writeValueAsString(value);
    }
}
