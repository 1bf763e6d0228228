package dev.promptline.api.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.PromptlineException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateEngineTest {
    private final TemplateEngine engine = new TemplateEngine();

    @Test
    void extractsEveryVariableOnceSorted() {
        var chat = new PromptTemplate.Chat(List.of(
                new ChatMessage("system", "You help with {{product}}.{{#formal}} Be formal.{{/formal}}"),
                new ChatMessage("user", "{{ticket}} ({{product}}){{^urgent}} no rush{{/urgent}}")));

        assertThat(engine.variables(chat, "#/template")).containsExactly("formal", "product", "ticket", "urgent");
    }

    @Test
    void sectionsNestedBeyondTheLimitAreRefusedBeforeTheyOverflowTheStack() {
        var deepest = new PromptTemplate.Text("{{#a}}".repeat(8_333) + "{{/a}}".repeat(8_333));
        assertThatThrownBy(() -> engine.variables(deepest, "#/template"))
                .isInstanceOf(PromptlineException.class)
                .satisfies(e -> assertThat(((PromptlineException) e)
                                .violations()
                                .getFirst()
                                .detail())
                        .contains("nests sections more than 50 deep"));

        var spaced = new PromptTemplate.Text("{{ #a }}".repeat(51) + "{{/a}}".repeat(51));
        assertThatThrownBy(() -> engine.variables(spaced, "#/template")).isInstanceOf(PromptlineException.class);

        var deepEnough = new PromptTemplate.Text("{{#a}}".repeat(50) + "x" + "{{/a}}".repeat(50));
        assertThat(engine.render(deepEnough, engine.variables(deepEnough, "#/template"), Map.of("a", "yes")))
                .containsExactly(new ChatMessage("user", "x"));
    }

    @Test
    void changingDelimitersIsRefusedSinceItWouldHideSectionsFromTheNestingCheck() {
        var text = new PromptTemplate.Text("{{=<% %>=}}<%#a%><%/a%>");
        assertThatThrownBy(() -> engine.variables(text, "#/template")).isInstanceOf(PromptlineException.class);
    }

    @Test
    void aNullValueIsAClientErrorNotAFailureMidRender() {
        var text = new PromptTemplate.Text("Hi {{name}}");
        var values = new java.util.HashMap<String, String>();
        values.put("name", null);
        assertThatThrownBy(() -> engine.render(text, engine.variables(text, "#/template"), values))
                .isInstanceOf(PromptlineException.class);
    }

    @Test
    void rendersTextAsOneUserMessageWithoutHtmlEscaping() {
        var text = new PromptTemplate.Text("Classify: {{ticket}}");
        var variables = engine.variables(text, "#/template");

        assertThat(engine.render(text, variables, Map.of("ticket", "<b>refund</b> & \"now\"")))
                .containsExactly(new ChatMessage("user", "Classify: <b>refund</b> & \"now\""));
    }

    @Test
    void aMissingOrUnexpectedVariableIsNamed() {
        var text = new PromptTemplate.Text("{{a}} {{b}}");
        var variables = engine.variables(text, "#/template");

        assertThatThrownBy(() -> engine.render(text, variables, Map.of("a", "1")))
                .isInstanceOf(PromptlineException.class)
                .satisfies(e -> assertThat(((PromptlineException) e)
                                .violations()
                                .getFirst()
                                .detail())
                        .isEqualTo("missing: b"));
        assertThatThrownBy(() -> engine.render(text, variables, Map.of("a", "1", "b", "2", "c", "3")))
                .satisfies(e -> assertThat(((PromptlineException) e)
                                .violations()
                                .getFirst()
                                .detail())
                        .isEqualTo("not used by this version: c"));
    }

    @Test
    void templatesCannotReachJavaObjects() {
        for (String source :
                new String[] {"{{ticket.class}}", "{{ticket.bytes}}", "{{this.getClass}}", "{{>secrets}}"}) {
            assertThatThrownBy(() -> engine.variables(new PromptTemplate.Text(source), "#/template"))
                    .as(source)
                    .isInstanceOf(PromptlineException.class);
        }
        var section = new PromptTemplate.Text("{{#ticket}}{{length}}{{/ticket}}");
        var variables = engine.variables(section, "#/template");
        assertThat(variables).containsExactly("length", "ticket");
        assertThat(engine.render(section, variables, Map.of("ticket", "abc", "length", "L")))
                .containsExactly(new ChatMessage("user", "L"));
    }

    @Test
    void malformedTemplatesAreRefused() {
        assertThatThrownBy(() -> engine.variables(new PromptTemplate.Text("{{#open}} never closed"), "#/template"))
                .isInstanceOf(PromptlineException.class);
    }

    @Test
    void outputIsBounded() {
        var text = new PromptTemplate.Text("{{x}}".repeat(20));
        var variables = engine.variables(text, "#/template");

        assertThatThrownBy(() -> engine.render(text, variables, Map.of("x", "y".repeat(100_000))))
                .hasMessageContaining("exceeds");
    }
}
