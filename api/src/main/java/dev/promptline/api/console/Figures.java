package dev.promptline.api.console;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** An execution's numbers as the pages write them: tokens, cost, latency and times, with words for what is unknown. */
final class Figures {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static String tokens(@Nullable Integer input, @Nullable Integer output) {
        if (input == null && output == null) {
            return "—";
        }
        return "%s in · %s out".formatted(count(input), count(output));
    }

    static String cost(@Nullable BigDecimal cost) {
        if (cost == null) {
            return "—";
        }
        // Prices are per million tokens, so one execution often costs a fraction of a cent.
        return "$" + cost.stripTrailingZeros().toPlainString();
    }

    static String latency(@Nullable Integer millis) {
        if (millis == null) {
            return "—";
        }
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    static String time(@Nullable Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    private static String count(@Nullable Integer value) {
        return value == null ? "?" : String.format(Locale.ROOT, "%,d", value);
    }

    private Figures() {}
}
