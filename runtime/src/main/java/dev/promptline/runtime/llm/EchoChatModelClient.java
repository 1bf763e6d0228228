package dev.promptline.runtime.llm;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in development provider: no network, no key. It streams the prompt's messages back word by word, so a
 * fresh install can run an execution end to end. Token counts are words.
 */
public final class EchoChatModelClient implements ChatModelClient {
    private static final Pattern WORD = Pattern.compile("\\S+\\s*");

    @Override
    public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
        String prompt = String.join(
                "\n", call.messages().stream().map(ModelCall.Message::content).toList());
        var output = new StringBuilder();
        int words = 0;
        Matcher matcher = WORD.matcher(prompt);
        while (matcher.find()) {
            if (cancellation.isCancelled()) {
                throw cancellation.toException();
            }
            tokens.accept(matcher.group());
            output.append(matcher.group());
            words++;
        }
        return new ModelResult(output.toString(), "stop", words, words, 1);
    }
}
