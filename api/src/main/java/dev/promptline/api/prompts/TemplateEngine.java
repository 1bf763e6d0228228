package dev.promptline.api.prompts;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Mustache for untrusted templates. The context is a map of strings and the collector only reads map keys, so a
 * template can reach no Java object or method; partials are refused; variable names are plain identifiers; and the
 * output is cut off at a size limit, which also bounds the render time (every step of a logic-less template writes
 * output or skips it).
 */
final class TemplateEngine {
    static final int MAX_OUTPUT_CHARS = 1_000_000;
    static final int MAX_NESTING = 50;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final Mustache.Compiler compiler = Mustache.compiler()
            .escapeHTML(false)
            .withCollector(new BasicCollector() {
                @Override
                public <K, V> Map<K, V> createFetcherCache() {
                    return new ConcurrentHashMap<>();
                }
            });

    /** The variables a template uses, sorted; a template that does not parse or breaks a rule is a 400. */
    List<String> variables(PromptTemplate template, String pointer) {
        Set<String> names = new TreeSet<>();
        switch (template) {
            case PromptTemplate.Text text -> collect(text.text(), pointer + "/text", names);
            case PromptTemplate.Chat chat -> {
                for (int i = 0; i < chat.messages().size(); i++) {
                    collect(chat.messages().get(i).content(), pointer + "/messages/" + i + "/content", names);
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Renders with exactly the template's variables: a missing one or one the template does not use is a 400 naming
     * it, because either is almost always a caller's mistake that would otherwise pass silently.
     */
    List<ChatMessage> render(PromptTemplate template, List<String> variables, Map<String, String> values) {
        List<String> missing =
                variables.stream().filter(name -> !values.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw PromptlineException.invalidField("#/variables", "missing: " + String.join(", ", missing));
        }
        List<String> unexpected = values.keySet().stream()
                .filter(name -> !variables.contains(name))
                .sorted()
                .toList();
        if (!unexpected.isEmpty()) {
            throw PromptlineException.invalidField(
                    "#/variables", "not used by this version: " + String.join(", ", unexpected));
        }
        List<String> nulls = values.entrySet().stream()
                .filter(entry -> entry.getValue() == null)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        if (!nulls.isEmpty()) {
            // JSON lets a caller send {"name": null}; Mustache would fail on it mid-render.
            throw PromptlineException.invalidField(
                    "#/variables", "must be text, not null: " + String.join(", ", nulls));
        }
        var budget = new int[] {MAX_OUTPUT_CHARS};
        return switch (template) {
            case PromptTemplate.Text text -> List.of(new ChatMessage("user", execute(text.text(), values, budget)));
            case PromptTemplate.Chat chat -> {
                var messages = new ArrayList<ChatMessage>();
                for (ChatMessage message : chat.messages()) {
                    messages.add(new ChatMessage(message.role(), execute(message.content(), values, budget)));
                }
                yield List.copyOf(messages);
            }
        };
    }

    private void collect(String source, String pointer, Set<String> names) {
        Template compiled = compile(source, pointer);
        compiled.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {}

            @Override
            public void visitVariable(String name) {
                names.add(checkedName(name, pointer));
            }

            @Override
            public boolean visitInclude(String name) {
                throw PromptlineException.invalidField(pointer, "partials ({{>%s}}) are not supported".formatted(name));
            }

            @Override
            public boolean visitSection(String name) {
                names.add(checkedName(name, pointer));
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                names.add(checkedName(name, pointer));
                return true;
            }
        });
    }

    private Template compile(String source, String pointer) {
        checkNesting(source, pointer);
        try {
            return compiler.compile(source);
        } catch (MustacheException e) {
            throw PromptlineException.invalidField(pointer, "is not a valid Mustache template: " + e.getMessage());
        }
    }

    /**
     * The compiler, the visitor and the renderer all recurse once per nested section, so a template nesting thousands
     * of sections (a 100 KB field holds over 8,000) overflows the stack. No prompt needs more than a few levels; the
     * bound is checked on the tags before compiling. Changing delimiters would hide tags from this scan, so it is
     * refused too.
     */
    private static void checkNesting(String source, String pointer) {
        int depth = 0;
        for (int open = source.indexOf("{{"); open >= 0; open = source.indexOf("{{", open + 2)) {
            int kind = open + 2;
            while (kind < source.length() && Character.isWhitespace(source.charAt(kind))) {
                kind++;
            }
            char tag = kind < source.length() ? source.charAt(kind) : ' ';
            if (tag == '#' || tag == '^') {
                if (++depth > MAX_NESTING) {
                    throw PromptlineException.invalidField(
                            pointer, "nests sections more than %d deep".formatted(MAX_NESTING));
                }
            } else if (tag == '/') {
                depth--;
            } else if (tag == '=') {
                throw PromptlineException.invalidField(pointer, "changing delimiters ({{=...=}}) is not supported");
            }
        }
    }

    private static String checkedName(String name, String pointer) {
        if (!NAME.matcher(name).matches()) {
            throw PromptlineException.invalidField(
                    pointer, "variable '%s' must be a plain name (letters, digits, underscores)".formatted(name));
        }
        return name;
    }

    private String execute(String source, Map<String, String> values, int[] budget) {
        var out = new BoundedWriter(budget);
        compiler.compile(source).execute(values, out);
        return out.toString();
    }

    /** Fails the render once the whole output, across all messages, passes the limit. */
    private static final class BoundedWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final int[] budget;

        BoundedWriter(int[] budget) {
            this.budget = budget;
        }

        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            budget[0] -= length;
            if (budget[0] < 0) {
                throw new PromptlineException(
                        ErrorCode.INVALID_REQUEST,
                        "The rendered prompt exceeds %d characters.".formatted(MAX_OUTPUT_CHARS));
            }
            text.append(buffer, offset, length);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
