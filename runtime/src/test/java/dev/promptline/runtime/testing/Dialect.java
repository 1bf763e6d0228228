package dev.promptline.runtime.testing;

import java.util.List;

/** The wire format of one provider: where it listens, its stream events, its whole answers and its error bodies. */
sealed interface Dialect permits OpenAiDialect, AnthropicDialect {

    /** The path that streams completions; {@code /v1} is part of the base URL given to LangChain4j. */
    String path();

    /** Events sent right after the response headers, before the first token. */
    List<String> preamble(Message message);

    String tokenEvent(Message message, String token);

    /** An event whose JSON is cut off mid-object. */
    String malformedEvent();

    /** Events after the last token: finish reason, usage and end-of-stream marker. */
    List<String> ending(Message message, Reply.Stream stream);

    /**
     * The whole answer to a request that did not ask for a stream, as one JSON body: the tokens joined into one
     * message, its finish reason and its usage.
     */
    String completion(Message message, String text, Reply.Stream stream);

    String errorBody(int status);

    /** What every event of one streamed answer (or the body of a whole one) shares. */
    record Message(String id, String model, long createdEpochSecond, int inputTokens) {}

    /** The JSON string literal for {@code text}, quotes included. */
    static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    // U+2028/U+2029 are legal in JSON but break naive line-based readers.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
