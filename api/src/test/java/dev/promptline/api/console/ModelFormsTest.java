package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.models.Provider;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

class ModelFormsTest {
    @Test
    void aFilledFormBecomesTheChangesTheServiceTakes() {
        var parsed = ModelForms.parse(
                form(Map.of(
                        "provider", "custom",
                        "name", " local ",
                        "providerModelId", "llama3",
                        "baseUrl", "http://ollama:11434/v1",
                        "temperature", "0.5",
                        "inputPrice", "0.000001",
                        "firstToken", "2.5",
                        "envVar", "OLLAMA_KEY")),
                true);

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.provider()).isEqualTo(Provider.CUSTOM);
        var changes = parsed.changes();
        assertThat(changes.name()).isEqualTo("local");
        assertThat(changes.baseUrl()).isEqualTo("http://ollama:11434/v1");
        assertThat(changes.parameters().temperature()).isEqualTo(0.5);
        assertThat(changes.inputPricePerMillion()).isEqualByComparingTo("0.000001");
        assertThat(changes.outputPricePerMillion())
                .as("blank keeps what is stored")
                .isNull();
        assertThat(changes.timeouts().firstToken()).isEqualTo(Duration.ofMillis(2500));
        assertThat(changes.timeouts().idle()).isNull();
        assertThat(changes.credential().envVar()).isEqualTo("OLLAMA_KEY");
        assertThat(changes.credential().apiKey()).isNull();
        assertThat(changes.enabled()).as("the form never enables or disables").isNull();
    }

    @Test
    void eachMistakeIsSaidInWordsAndTheKeyIsNotKeptInTheForm() {
        var parsed = ModelForms.parse(
                form(Map.of(
                        "provider", "skynet",
                        "name", "",
                        "providerModelId", "x",
                        "outputPrice", "0.0000001",
                        "idle", "-1",
                        "apiKey", "sk-typed")),
                true);

        assertThat(parsed.changes()).isNull();
        assertThat(parsed.errors())
                .containsExactly(
                        "The provider must be one of openai, anthropic, huggingface, custom, echo.",
                        "The name is required.",
                        "The output price must be a number of US dollars per million tokens, from 0, with at most 6"
                                + " decimals.",
                        "The idle timeout must be a number of seconds above 0, such as 5 or 2.5.");
        assertThat(parsed.form().toString()).doesNotContain("sk-typed");
    }

    @Test
    void anEditIgnoresTheProviderAndBlankCredentialFieldsKeepTheStoredOne() {
        var parsed = ModelForms.parse(
                form(Map.of("provider", "whatever", "name", "n", "providerModelId", "m", "apiKey", "")), false);

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.changes().credential()).isNull();
    }

    private static MultiValueMap<String, String> form(Map<String, String> fields) {
        var form = new LinkedMultiValueMap<String, String>();
        fields.forEach(form::add);
        return form;
    }
}
