package dev.promptline.api.executions;

import dev.promptline.api.models.Model;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The spans of an execution, after OpenTelemetry's semantic conventions for generative AI: one for the execution
 * (model, tokens in and out, finish reason, cost, prompt version), a child of whatever span the request came in with,
 * and one client span per attempt at the provider under it. With tracing off there is no OpenTelemetry bean and the
 * spans are no-ops.
 */
@Component
class ExecutionTracing {
    private final Tracer tracer;

    ExecutionTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
        this.tracer = openTelemetry.getIfAvailable(OpenTelemetry::noop).getTracer("dev.promptline.api.executions");
    }

    /** Starts the execution's span in the current context (the request's span, when it has one). */
    ExecutionSpan start(ExecutionPlan plan) {
        String name = "chat " + plan.model().providerModelId();
        Span span = tracer.spanBuilder(name)
                .setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(GenAi.request(plan))
                .startSpan();
        return new ExecutionSpan(tracer, name, plan, span, Context.current().with(span));
    }

    /** One execution's spans; used by the thread that runs it. */
    static final class ExecutionSpan {
        private final Tracer tracer;
        private final String name;
        private final ExecutionPlan plan;
        private final Span span;
        private final Context context;
        private @Nullable Span attempt;

        private ExecutionSpan(Tracer tracer, String name, ExecutionPlan plan, Span span, Context context) {
            this.tracer = tracer;
            this.name = name;
            this.plan = plan;
            this.span = span;
            this.context = context;
        }

        /** The trace's id, for the record; null when the span is not recorded anywhere. */
        @Nullable
        String traceId() {
            var spanContext = span.getSpanContext();
            return spanContext.isValid() && spanContext.isSampled() ? spanContext.getTraceId() : null;
        }

        /**
         * An attempt at the provider began, at the plan's model or one of its fallbacks: the one before it (if any)
         * failed and was retried or fell back.
         */
        void attempt(int number, Model model) {
            if (attempt != null) {
                attempt.setStatus(StatusCode.ERROR, "retried");
                attempt.end();
            }
            attempt = tracer.spanBuilder(name)
                    .setParent(context)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAllAttributes(GenAi.request(plan, model))
                    .setAttribute(GenAi.ATTEMPT, number)
                    .startSpan();
        }

        /** The execution ended as its record says. */
        void finished(Execution execution) {
            var attributes = GenAi.outcome(execution);
            if (attempt != null) {
                end(attempt.setAllAttributes(attributes), execution);
            }
            end(
                    span.setAllAttributes(attributes)
                            .setAttribute(GenAi.EXECUTION_ID, execution.id().toString()),
                    execution);
        }

        /** A retried request answered with an earlier execution: this request ran nothing. */
        void replayed(Execution earlier) {
            span.setAttribute(GenAi.EXECUTION_ID, earlier.id().toString())
                    .setAttribute(GenAi.REPLAYED, true)
                    .end();
        }

        /** It stopped with an exception (refused, the database gone): nothing or nothing more ran. */
        void failed(RuntimeException error) {
            if (attempt != null) {
                attempt.setStatus(StatusCode.ERROR).end();
            }
            span.recordException(error)
                    .setAttribute(GenAi.ERROR_TYPE, error.getClass().getName())
                    .setStatus(StatusCode.ERROR, error.getMessage())
                    .end();
        }

        private static void end(Span span, Execution execution) {
            if (execution.status() != ExecutionStatus.SUCCEEDED) {
                span.setStatus(StatusCode.ERROR, execution.errorMessage());
            }
            span.end();
        }
    }
}
