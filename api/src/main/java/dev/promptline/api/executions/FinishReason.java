package dev.promptline.api.executions;

import java.util.Locale;

/** Why the model stopped writing a successful answer, as the provider said; written lower-case on the record. */
public enum FinishReason {
    STOP,
    LENGTH,
    CONTENT_FILTER,
    OTHER;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A reason this version does not know reads as {@link #OTHER}. */
    public static FinishReason fromValue(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return OTHER;
        }
    }
}
