package dev.promptline.api.openai;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON as OpenAI writes it: with its nulls. The service's mapper leaves null members out, but OpenAI's schemas
 * require some that are null ({@code finish_reason} until the last chunk, an error's {@code param}) and the SDKs read
 * them strictly. A mapper of its own, not a rebuild of the service's: a rebuilt mapper shares the configuration it was
 * built from, and changing its inclusion changed the service's too (every REST answer gained its nulls).
 */
@Component
class OpenAiJson {
    // Only maps, lists, text, numbers and booleans go through it: Jackson's defaults write them as OpenAI does.
    private final JsonMapper json = JsonMapper.builder().build();

    String write(Object value) {
        return json.writeValueAsString(value);
    }
}
