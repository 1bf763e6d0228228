package dev.promptline.api.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Traces over OTLP, from a service process started with OpenTelemetry's endpoint variable, to a collector on loopback
 * that speaks OTLP/HTTP (protobuf), as a real one does: the request's span continues the caller's trace, the
 * execution's span sits under it with the generative-AI attributes, the provider attempt's client span under that,
 * and the trace id is on the execution's record and in the service's log.
 */
class TracingIT extends AuthenticatedApi {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private HttpServer collector;

    @BeforeEach
    void startCollector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                var request = ExportTraceServiceRequest.parseFrom(
                        exchange.getRequestBody().readAllBytes());
                request.getResourceSpansList()
                        .forEach(resource ->
                                resource.getScopeSpansList().forEach(scope -> spans.addAll(scope.getSpansList())));
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.stop(0);
    }

    @Test
    void anExecutionIsTracedUnderTheCallersTraceAndTheRecordNamesTheTrace() {
        try (var service = ServiceProcess.start(
                ServiceProcess.javaCommand(List.of(), ServiceProcess.testClasspath(), ApiApplication.class.getName()),
                Map.of(
                        "DATABASE_URL",
                        TestDatabases.url(database()),
                        "DATABASE_USER",
                        TestDatabases.USER,
                        "DATABASE_PASSWORD",
                        TestDatabases.PASSWORD,
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "http://127.0.0.1:" + collector.getAddress().getPort(),
                        "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY",
                        "100ms"))) {
            service.awaitReady(Duration.ofSeconds(120));
            var api = new Http(service.port, acme.owner().bearer());
            String model = Http.json(api.postJson(
                            "/api/v1/models", "{\"provider\":\"echo\",\"name\":\"echo\",\"providerModelId\":\"echo\"}"))
                    .get("id")
                    .asString();
            String prompt = Http.json(api.postJson("/api/v1/prompts", """
                            {"name": "greeting", "modelId": "%s", "template": {"format": "text", "text": "Hello {{name}}"}}
                            """.formatted(model)))
                    .get("id")
                    .asString();

            var response = api.send(api.request("/api/v1/prompts/" + prompt + "/execute")
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"variables\": {\"name\": \"Ada\"}}"))
                    .build());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode execution = Http.json(response);
            assertThat(execution.get("traceId").asString()).isEqualTo(TRACE_ID);
            String executionId = execution.get("id").asString();

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(
                                    span(s -> executionId.equals(attribute(s, "promptline.execution.id"))))
                            .as(() -> "the execution's span among " + spans.size() + " received; the service's log:\n"
                                    + service.output())
                            .isPresent());
            Span executed = span(s -> executionId.equals(attribute(s, "promptline.execution.id")))
                    .orElseThrow();
            assertThat(hex(executed.getTraceId())).isEqualTo(TRACE_ID);
            assertThat(executed.getName()).isEqualTo("chat echo");
            assertThat(attribute(executed, "gen_ai.operation.name")).isEqualTo("chat");
            assertThat(attribute(executed, "gen_ai.provider.name")).isEqualTo("echo");
            assertThat(attribute(executed, "gen_ai.request.model")).isEqualTo("echo");
            assertThat(attribute(executed, "gen_ai.usage.output_tokens")).isEqualTo("2");
            assertThat(attribute(executed, "gen_ai.response.finish_reasons")).isEqualTo("[stop]");
            assertThat(attribute(executed, "promptline.prompt.version")).isEqualTo("1");

            Span request = await().atMost(Duration.ofSeconds(20))
                    .until(() -> span(s -> s.getSpanId().equals(executed.getParentSpanId())), Optional::isPresent)
                    .orElseThrow();
            assertThat(request.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(hex(request.getParentSpanId())).as("the caller's span").isEqualTo(CALLER_SPAN_ID);

            Span attempt = await().atMost(Duration.ofSeconds(20))
                    .until(() -> span(s -> s.getParentSpanId().equals(executed.getSpanId())), Optional::isPresent)
                    .orElseThrow();
            assertThat(attempt.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
            assertThat(attribute(attempt, "promptline.attempt")).isEqualTo("1");
            assertThat(attempt.getEndTimeUnixNano()).isLessThanOrEqualTo(executed.getEndTimeUnixNano());

            assertThat(service.output()).as("the log lines of the request").contains(TRACE_ID);
        }
    }

    private Optional<Span> span(java.util.function.Predicate<Span> which) {
        return spans.stream().filter(which).findFirst();
    }

    private static String hex(com.google.protobuf.ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static String attribute(Span span, String key) {
        return span.getAttributesList().stream()
                .filter(attribute -> attribute.getKey().equals(key))
                .map(KeyValue::getValue)
                .map(TracingIT::text)
                .findFirst()
                .orElse("");
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case ARRAY_VALUE ->
                value.getArrayValue().getValuesList().stream()
                        .map(TracingIT::text)
                        .toList()
                        .toString();
            default -> value.toString();
        };
    }
}
