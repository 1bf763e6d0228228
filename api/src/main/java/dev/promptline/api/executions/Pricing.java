package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import dev.promptline.api.prompts.ChatMessage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What an execution cost: its tokens at the model's prices per million, in USD. */
final class Pricing {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /** Tokens a provider adds around each message (role markers, separators): 3 to 4 for OpenAI's formats. */
    private static final int FRAMING_TOKENS = 8;

    private Pricing() {}

    /** Null when the model has no prices: unknown, not free. A model with one price charges nothing for the other. */
    static @Nullable BigDecimal cost(Model model, ExecutionOutcome.Usage usage) {
        if (model.inputPricePerMillion() == null && model.outputPricePerMillion() == null) {
            return null;
        }
        return price(model.inputPricePerMillion(), usage.tokensInput())
                .add(price(model.outputPricePerMillion(), usage.tokensOutput()));
    }

    /**
     * The most an execution can cost: every UTF-8 byte of its messages a token (a byte-level tokenizer never makes a
     * token of less than a byte), plus {@value #FRAMING_TOKENS} tokens of framing per message and for the reply, and
     * every output token it may use. Zero for a model with no prices, which a budget cannot count.
     */
    static BigDecimal worstCase(Model model, List<ChatMessage> messages, int maxOutputTokens) {
        long input = FRAMING_TOKENS;
        for (ChatMessage message : messages) {
            input += message.content().getBytes(StandardCharsets.UTF_8).length
                    + message.role().length()
                    + FRAMING_TOKENS;
        }
        return price(model.inputPricePerMillion(), input).add(price(model.outputPricePerMillion(), maxOutputTokens));
    }

    private static BigDecimal price(@Nullable BigDecimal perMillion, long tokens) {
        return perMillion == null
                ? BigDecimal.ZERO
                : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION, MathContext.DECIMAL64);
    }
}
