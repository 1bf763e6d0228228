package dev.promptline.runtime.grpc;

import dev.promptline.runtime.graph.ExecutionState;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.ModelCallException;
import dev.promptline.runtime.v1.ExecuteRequest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured line per execution, whatever its end: id, provider, model, status, tokens, latency, attempts. A call
 * refused before it ran (malformed, without a deadline, or repeating the id of a running execution) gets a line of its
 * own. Never the credential, the base URL's secrets or the prompt.
 */
final class ExecutionLog {
    private static final Logger log = LoggerFactory.getLogger(ExecutionLog.class);

    private ExecutionLog() {}

    static void succeeded(String executionId, ModelCall call, ExecutionState state, StreamEvents events) {
        line(Level.INFO, executionId, call, "succeeded", state.attempts(), events)
                .addKeyValue("execution.inputTokens", state.inputTokens())
                .addKeyValue("execution.outputTokens", state.outputTokens())
                .addKeyValue("execution.finishReason", state.finishReason())
                .log();
    }

    static void failed(String executionId, ModelCall call, ModelCallException failure, StreamEvents events) {
        Level level = failure.kind() == ModelCallException.Kind.INTERNAL ? Level.ERROR : Level.INFO;
        line(level, executionId, call, failure.kind().name().toLowerCase(Locale.ROOT), failure.attempts(), events)
                .addKeyValue("execution.outputTokens", events.deltas())
                .addKeyValue("execution.error", failure.getMessage())
                .log();
    }

    /**
     * A call refused before it ran, so that an operator looking for an execution id finds why it never started. The
     * request is not validated yet: its provider and model are logged as sent.
     */
    static void refused(ExecuteRequest request, String status, String reason) {
        String provider = request.getModel().getProvider().name().replaceFirst("^PROVIDER_", "");
        log.atInfo()
                .setMessage("Execution {} refused: {}")
                .addArgument(request.getExecutionId())
                .addArgument(reason)
                .addKeyValue("execution.id", request.getExecutionId())
                .addKeyValue("execution.provider", provider.toLowerCase(Locale.ROOT))
                .addKeyValue("execution.model", request.getModel().getModelName())
                .addKeyValue("execution.status", status)
                .addKeyValue("execution.attempts", 0)
                .addKeyValue("execution.error", reason)
                .log();
    }

    private static LoggingEventBuilder line(
            Level level, String executionId, ModelCall call, String status, int attempts, StreamEvents events) {
        long latencyMs = events.latency().toMillis();
        return log.atLevel(level)
                .setMessage("Execution {} {} after {} attempt(s) in {} ms ({} {})")
                .addArgument(executionId)
                .addArgument(status)
                .addArgument(attempts)
                .addArgument(latencyMs)
                .addArgument(call.provider())
                .addArgument(call.modelName())
                .addKeyValue("execution.id", executionId)
                .addKeyValue("execution.provider", call.provider().name().toLowerCase(Locale.ROOT))
                .addKeyValue("execution.model", call.modelName())
                .addKeyValue("execution.status", status)
                .addKeyValue("execution.attempts", attempts)
                .addKeyValue("execution.latencyMs", latencyMs)
                .addKeyValue(
                        "execution.timeToFirstTokenMs",
                        events.timeToFirstToken().toMillis());
    }
}
