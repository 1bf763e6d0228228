package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiJsonTest {

    @Test
    void writesTheNullsThatOpenAisSchemasRequire() {
        var chunk = new LinkedHashMap<String, Object>();
        chunk.put("choices", List.of());
        chunk.put("finish_reason", null);

        assertThat(new OpenAiJson().write(chunk)).isEqualTo("{\"choices\":[],\"finish_reason\":null}");
    }
}
