package dev.promptline.api.platform.web;

import java.beans.PropertyEditorSupport;
import java.text.ParseException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.Formatter;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Refuses, while a request is decoded, the values every field would otherwise have to refuse on its own: text with a
 * NUL character (PostgreSQL cannot store one in text or JSONB) and instants outside {@link StorableTimestamps}. The
 * JSON body is covered here; query, path and header parameters by {@link #textParameters()} and
 * {@link #instantParameters()}, which {@link ParameterDecodingAdvice} and {@link WebConfiguration} install.
 */
@Configuration(proxyBeanMethods = false)
class InputDecoding {
    static final String NUL_RULE = "must not contain NUL (U+0000) characters";

    @Bean
    JsonMapperBuilderCustomizer refuseUnstorableValues() {
        var module = new SimpleModule("promptline-input")
                .addDeserializer(String.class, new NulFreeString())
                .addKeyDeserializer(String.class, new NulFreeKey())
                .addDeserializer(Instant.class, new StorableInstant());
        return builder -> builder.addModule(module);
    }

    static PropertyEditorSupport textParameters() {
        return new PropertyEditorSupport() {
            @Override
            public void setAsText(@Nullable String text) {
                if (text != null && text.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException(NUL_RULE);
                }
                setValue(text);
            }
        };
    }

    static Formatter<Instant> instantParameters() {
        return new Formatter<>() {
            @Override
            public Instant parse(String text, Locale locale) throws ParseException {
                Instant instant;
                try {
                    instant = OffsetDateTime.parse(text).toInstant();
                } catch (DateTimeParseException e) {
                    throw new ParseException("must be an ISO-8601 instant such as 2026-01-31T12:00:00Z", 0);
                }
                return StorableTimestamps.requireStorable(instant);
            }

            @Override
            public String print(Instant instant, Locale locale) {
                return instant.toString();
            }
        };
    }

    private static final class NulFreeString extends StdScalarDeserializer<String> {
        NulFreeString() {
            super(String.class);
        }

        @Override
        public @Nullable String deserialize(JsonParser parser, DeserializationContext context) {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw new RefusedValueException(parser, NUL_RULE, String.class);
            }
            return value;
        }
    }

    private static final class NulFreeKey extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) {
            if (key.indexOf('\0') >= 0) {
                throw new RefusedValueException(context.getParser(), NUL_RULE, String.class);
            }
            return key;
        }
    }

    private static final class StorableInstant extends StdScalarDeserializer<Instant> {
        private final ValueDeserializer<Instant> standard = InstantDeserializer.INSTANT;

        StorableInstant() {
            super(Instant.class);
        }

        @Override
        public @Nullable Instant deserialize(JsonParser parser, DeserializationContext context) {
            Instant instant = standard.deserialize(parser, context);
            if (instant != null && !StorableTimestamps.isStorable(instant)) {
                throw new RefusedValueException(parser, StorableTimestamps.RULE, Instant.class);
            }
            return instant;
        }
    }
}
