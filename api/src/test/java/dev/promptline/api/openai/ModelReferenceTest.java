package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class ModelReferenceTest {

    @Test
    void aPromptWithoutSelectorTakesTheDefault() {
        assertThat(ModelReference.parse("prompt:support-triage"))
                .isEqualTo(new ModelReference.Prompt("support-triage", null, null));
    }

    @Test
    void aLabelFollowsAnAt() {
        assertThat(ModelReference.parse("prompt:support-triage@staging"))
                .isEqualTo(new ModelReference.Prompt("support-triage", null, "staging"));
    }

    @Test
    void aVersionFollowsAHash() {
        assertThat(ModelReference.parse("prompt:support-triage#3"))
                .isEqualTo(new ModelReference.Prompt("support-triage", 3, null));
    }

    @Test
    void theSelectorIsReadFromTheEnd() {
        assertThat(ModelReference.parse("prompt:a@b@production"))
                .isEqualTo(new ModelReference.Prompt("a@b", null, "production"));
        assertThat(ModelReference.parse("prompt:a@B")).isEqualTo(new ModelReference.Prompt("a@B", null, null));
    }

    @Test
    void anythingElseIsARegisteredModelsName() {
        assertThat(ModelReference.parse("gpt-4o-mini")).isEqualTo(new ModelReference.Registered("gpt-4o-mini"));
        assertThat(ModelReference.parse("Prompt:x")).isEqualTo(new ModelReference.Registered("Prompt:x"));
    }

    @Test
    void anEmptyPromptNameIsRefusedNamingTheModelField() {
        var refused = catchThrowableOfType(OpenAiException.class, () -> ModelReference.parse("prompt:"));

        assertThat(refused.error().status()).isEqualTo(400);
        assertThat(refused.error().param()).isEqualTo("model");
    }
}
