package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import java.math.BigDecimal;
import java.math.MathContext;
import org.jspecify.annotations.Nullable;

/** What an execution cost: its tokens at the model's prices per million, in USD. */
final class Pricing {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Pricing() {}

    /** Null when the model has no prices: unknown, not free. A model with one price charges nothing for the other. */
    static @Nullable BigDecimal cost(Model model, ExecutionOutcome.Usage usage) {
        if (model.inputPricePerMillion() == null && model.outputPricePerMillion() == null) {
            return null;
        }
        return price(model.inputPricePerMillion(), usage.tokensInput())
                .add(price(model.outputPricePerMillion(), usage.tokensOutput()));
    }

    private static BigDecimal price(@Nullable BigDecimal perMillion, int tokens) {
        return perMillion == null
                ? BigDecimal.ZERO
                : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION, MathContext.DECIMAL64);
    }
}
