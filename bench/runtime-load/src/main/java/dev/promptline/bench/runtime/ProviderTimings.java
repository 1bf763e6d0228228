package dev.promptline.bench.runtime;

import dev.promptline.runtime.testing.FakeProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fake provider's side of each stream, found by the marker in its prompt: the driver and the fake provider share
 * a JVM, so both sides read the same {@link System#nanoTime()} clock and the time a path spends outside the provider
 * can be told apart from the provider's own pacing, whose timer jitter is larger than what is measured.
 */
final class ProviderTimings implements Consumer<FakeProvider.StreamTiming> {
    private static final Pattern MARKER = Pattern.compile("#run-\\d+");

    private final Map<String, FakeProvider.StreamTiming> byMarker = new ConcurrentHashMap<>();

    @Override
    public void accept(FakeProvider.StreamTiming timing) {
        Matcher marker = MARKER.matcher(timing.request().body());
        if (marker.find()) {
            byMarker.put(marker.group(), timing);
        }
    }

    /** Removes and returns the provider's timing of the stream with {@code marker}, null when it has none. */
    FakeProvider.@Nullable StreamTiming take(String marker) {
        return byMarker.remove(marker);
    }

    static String marker(long run) {
        return "#run-" + run;
    }
}
