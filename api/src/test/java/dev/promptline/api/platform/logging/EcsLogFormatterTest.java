package dev.promptline.api.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * The rule {@link EcsLogFormatter} relies on: its bytes are Boot's ECS bytes. Both are built the way the logging
 * system builds them, by a {@link StructuredLogEncoder} named {@code ecs} and one named by the class, on the same
 * events.
 */
class EcsLogFormatterTest {
    private final LoggerContext context = new LoggerContext();
    private StructuredLogEncoder boot;
    private StructuredLogEncoder ours;

    @BeforeEach
    void encoders() {
        var environment = new MockEnvironment()
                .withProperty("spring.application.name", "promptline-api")
                .withProperty("spring.application.version", "1.2.3");
        context.putObject(Environment.class.getName(), environment);
        boot = encoder("ecs");
        ours = encoder(EcsLogFormatter.class.getName());
    }

    @Test
    void anAccessLogLineIsByteForByteBoots() {
        var event =
                event("GET {} {}", null, Map.of("requestId", "0f1e2d3c-aaaa-bbbb-cccc-000000000001"), "/health", 200);
        event.addKeyValuePair(new KeyValuePair("http.method", "GET"));
        event.addKeyValuePair(new KeyValuePair("http.path", "/health"));
        event.addKeyValuePair(new KeyValuePair("http.status", 200));
        event.addKeyValuePair(new KeyValuePair("http.durationMs", 0.125));

        assertSameBytes(event);
        assertThat(new String(ours.encode(event), StandardCharsets.UTF_8))
                .contains("\"requestId\":\"0f1e2d3c-aaaa-bbbb-cccc-000000000001\"")
                .contains("\"http\":{\"method\":\"GET\",\"path\":\"/health\",\"status\":200,\"durationMs\":0.125}")
                .endsWith("\n");
    }

    @Test
    void textThatNeedsEscapingAndNonAsciiIsByteForByteBoots() {
        assertSameBytes(
                event("quote \" backslash \\ tab \t newline \n control \u0001 é 日本 \uD83D\uDE00", null, Map.of()));
    }

    @Test
    void markersAndStackTracesAreByteForByteBoots() {
        var event = event("failed", new IllegalStateException("boom", new RuntimeException("cause")), Map.of());
        event.addMarker(MarkerFactory.getMarker("AUDIT"));

        assertSameBytes(event);
        assertThat(new String(ours.encode(event), StandardCharsets.UTF_8)).contains("\"stack_trace\"");
    }

    private void assertSameBytes(ILoggingEvent event) {
        assertThat(ours.encode(event)).isEqualTo(boot.encode(event));
    }

    private StructuredLogEncoder encoder(String format) {
        var encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.start();
        return encoder;
    }

    private LoggingEvent event(
            String message, @Nullable Throwable error, Map<String, String> mdc, Object... arguments) {
        var event = new LoggingEvent(
                "test", context.getLogger("dev.promptline.access"), Level.INFO, message, error, arguments);
        event.setMDCPropertyMap(mdc);
        event.setThreadName("tomcat-handler-7");
        event.setInstant(Instant.parse("2026-12-07T05:00:00.123456789Z"));
        return event;
    }
}
