package dev.promptline.api.platform.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.Charset;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.logging.StackTracePrinter;
import org.springframework.boot.logging.structured.ContextPairs;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's ECS log lines ({@code LOG_FORMAT=ecs}), byte for byte, made cheaper to encode. Boot's formatter turns a
 * line into bytes through an unbuffered {@code OutputStreamWriter}, one locked encoder call per JSON token and per
 * escaped character; with an access log line per request that was the largest single cost of a request to
 * {@code /health} (bench/http-probes.sh, docs/benchmarks.md, 2026-12-07). This one writes the line to a string first,
 * as Boot's own {@code format} does, and encodes it in one call.
 *
 * <p>The fields are Boot's: its formatter does the writing. That class is not public, so it is created reflectively
 * with the arguments Boot gives any formatter named in {@code logging.structured.format.console};
 * EcsLogFormatterTest checks that the bytes are the same as Boot's own for plain lines, key-value pairs, MDC, markers
 * and stack traces, and fails when a Boot upgrade changes the constructor.
 */
public final class EcsLogFormatter implements StructuredLogFormatter<ILoggingEvent> {
    static final String BOOT_FORMATTER =
            "org.springframework.boot.logging.logback.ElasticCommonSchemaStructuredLogFormatter";

    private final StructuredLogFormatter<ILoggingEvent> boot;

    public EcsLogFormatter(
            Environment environment,
            @Nullable StackTracePrinter stackTracePrinter,
            ContextPairs contextPairs,
            ThrowableProxyConverter throwableProxyConverter,
            StructuredLoggingJsonMembersCustomizer.Builder<?> customizerBuilder) {
        this.boot =
                bootFormatter(environment, stackTracePrinter, contextPairs, throwableProxyConverter, customizerBuilder);
    }

    @Override
    public String format(ILoggingEvent event) {
        return boot.format(event);
    }

    @Override
    public byte[] formatAsBytes(ILoggingEvent event, Charset charset) {
        return boot.format(event).getBytes(charset);
    }

    @SuppressWarnings("unchecked")
    static StructuredLogFormatter<ILoggingEvent> bootFormatter(
            Environment environment,
            @Nullable StackTracePrinter stackTracePrinter,
            ContextPairs contextPairs,
            ThrowableProxyConverter throwableProxyConverter,
            StructuredLoggingJsonMembersCustomizer.Builder<?> customizerBuilder) {
        try {
            Constructor<?> constructor = Class.forName(BOOT_FORMATTER)
                    .getDeclaredConstructor(
                            Environment.class,
                            StackTracePrinter.class,
                            ContextPairs.class,
                            ThrowableProxyConverter.class,
                            StructuredLoggingJsonMembersCustomizer.Builder.class);
            constructor.setAccessible(true);
            return (StructuredLogFormatter<ILoggingEvent>) constructor.newInstance(
                    environment, stackTracePrinter, contextPairs, throwableProxyConverter, customizerBuilder);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException target ? target.getCause() : e;
            throw new IllegalStateException("Cannot create Spring Boot's ECS log formatter " + BOOT_FORMATTER, cause);
        }
    }
}
