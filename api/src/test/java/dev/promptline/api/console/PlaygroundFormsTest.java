package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.console.PlaygroundViews.MessageField;
import dev.promptline.api.prompts.ChatMessage;
import dev.promptline.api.prompts.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;

class PlaygroundFormsTest {
    @Test
    void blankParametersAreLeftUnsetAndGoodOnesAreRead() {
        var blank = PlaygroundForms.parameters("", " ", null, "");
        assertThat(blank.errors()).isEmpty();
        assertThat(blank.parameters().temperature()).isNull();
        assertThat(blank.parameters().maxTokens()).isNull();
        assertThat(blank.parameters().stop()).isNull();

        var read = PlaygroundForms.parameters("0.7", "1", "256", "END\n\n###\n");
        assertThat(read.errors()).isEmpty();
        assertThat(read.parameters().temperature()).isEqualTo(0.7);
        assertThat(read.parameters().topP()).isEqualTo(1.0);
        assertThat(read.parameters().maxTokens()).isEqualTo(256);
        assertThat(read.parameters().stop()).containsExactly("END", "###");
    }

    @Test
    void parametersOutOfTheApisRangesAreMistakesInWords() {
        var wrong = PlaygroundForms.parameters("2.5", "-0.1", "1.5", "a\nb\nc\nd\ne");

        assertThat(wrong.errors())
                .containsExactly(
                        "Temperature must be a number from 0 to 2.",
                        "Top p must be a number from 0 to 1.",
                        "Max tokens must be a whole number from 1 to 1,000,000.",
                        "Stop sequences: at most 4, one per line, each at most 64 characters.");
        assertThat(PlaygroundForms.parameters("warm", null, "0", null).errors()).hasSize(2);
    }

    @Test
    void aModelIdThatIsNoUuidIsAMistakeNotACrash() {
        var errors = new ArrayList<String>();
        UUID id = UUID.randomUUID();

        assertThat(PlaygroundForms.modelId(id.toString(), errors)).isEqualTo(id);
        assertThat(PlaygroundForms.modelId("", errors)).isNull();
        assertThat(PlaygroundForms.modelId("gpt-4", errors)).isNull();
        assertThat(errors).containsExactly("The model 'gpt-4' is not one of the choices.");
    }

    @Test
    void aChatEditKeepsItsWrittenMessagesInOrderWithPlainLineBreaks() {
        var form = new LinkedMultiValueMap<String, String>();
        form.add("format", "chat");
        form.add("role.0", "system");
        form.add("content.0", "Be brief.\r\nVery.");
        form.add("role.1", "user");
        form.add("content.1", "   ");
        form.add("role.2", "user");
        form.add("content.2", "{{ticket}}, with a comma");

        var edit = PlaygroundForms.editor(form);

        assertThat(edit.messages()).hasSize(3);
        assertThat(PlaygroundForms.mistakes(edit)).isEmpty();
        assertThat(PlaygroundForms.template(edit))
                .isEqualTo(new PromptTemplate.Chat(List.of(
                        new ChatMessage("system", "Be brief.\nVery."),
                        new ChatMessage("user", "{{ticket}}, with a comma"))));
        assertThat(PlaygroundForms.withEmptyMessage(edit).messages())
                .as("an empty message at the end, to add one")
                .hasSize(4)
                .last()
                .isEqualTo(new MessageField(3, "user", ""));
    }

    @Test
    void aChatWithoutContentOrWithAnUnknownRoleIsAMistake() {
        var form = new LinkedMultiValueMap<String, String>();
        form.add("format", "chat");
        form.add("role.0", "narrator");
        form.add("content.0", "Once upon a time");

        assertThat(PlaygroundForms.mistakes(PlaygroundForms.editor(form)))
                .containsExactly("Message 1: the role must be system, user or assistant.");
        var empty = new LinkedMultiValueMap<String, String>();
        empty.add("format", "chat");
        assertThat(PlaygroundForms.mistakes(PlaygroundForms.editor(empty)))
                .containsExactly("A chat template needs at least one message with some content.");
        assertThat(PlaygroundForms.withEmptyMessage(PlaygroundForms.editor(empty))
                        .messages())
                .containsExactly(new MessageField(0, "user", ""));
    }

    @Test
    void aTextEditIsOneTemplate() {
        var form = new LinkedMultiValueMap<String, String>();
        form.add("format", "text");
        form.add("text", "Summarise {{invoice}}");
        form.add("commitMessage", "x".repeat(1_001));

        var edit = PlaygroundForms.editor(form);

        assertThat(PlaygroundForms.template(edit)).isEqualTo(new PromptTemplate.Text("Summarise {{invoice}}"));
        assertThat(PlaygroundForms.mistakes(edit))
                .containsExactly("The commit message is longer than 1,000 characters.");
    }
}
