package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;

/**
 * The span attributes of an execution: OpenTelemetry's generative-AI semantic conventions (both the current
 * {@code gen_ai.provider.name} and the older {@code gen_ai.system}, which many backends still read), and Promptline's
 * own under {@code promptline.}.
 */
final class GenAi {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> EXECUTION_ID = AttributeKey.stringKey("promptline.execution.id");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("promptline.execution.status");
    static final AttributeKey<String> PROMPT_ID = AttributeKey.stringKey("promptline.prompt.id");
    static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey("promptline.prompt.version");
    static final AttributeKey<String> MODEL_ID = AttributeKey.stringKey("promptline.model.id");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("promptline.cost_usd");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("promptline.attempt");
    static final AttributeKey<Boolean> REPLAYED = AttributeKey.booleanKey("promptline.replayed");

    private GenAi() {}

    /** What is known before the call: the operation, who serves it, the model, and the prompt version it runs. */
    static Attributes request(ExecutionPlan plan) {
        return request(plan, plan.model());
    }

    /** The same for one attempt, which may call one of the plan's fallbacks. */
    static Attributes request(ExecutionPlan plan, Model model) {
        AttributesBuilder attributes = Attributes.builder()
                .put(OPERATION, "chat")
                .put(PROVIDER, model.provider().value())
                .put(SYSTEM, model.provider().value())
                .put(REQUEST_MODEL, model.providerModelId())
                .put(MODEL_ID, model.id().value().toString());
        var version = plan.version();
        if (version != null) {
            attributes.put(PROMPT_ID, version.promptId().value().toString()).put(PROMPT_VERSION, version.version());
        }
        return attributes.build();
    }

    /** What the record says of how it ended: tokens, finish reason, cost, and the error's code when it failed. */
    static Attributes outcome(Execution execution) {
        AttributesBuilder attributes =
                Attributes.builder().put(STATUS, execution.status().value());
        if (execution.tokensInput() != null) {
            attributes.put(INPUT_TOKENS, execution.tokensInput().longValue());
        }
        if (execution.tokensOutput() != null) {
            attributes.put(OUTPUT_TOKENS, execution.tokensOutput().longValue());
        }
        if (execution.finishReason() != null) {
            attributes.put(FINISH_REASONS, List.of(execution.finishReason().value()));
        }
        if (execution.costUsd() != null) {
            attributes.put(COST, execution.costUsd().doubleValue());
        }
        if (execution.error() != null) {
            attributes.put(ERROR_TYPE, execution.error().value());
        }
        return attributes.build();
    }
}
