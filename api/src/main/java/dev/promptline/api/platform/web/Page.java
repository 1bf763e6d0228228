package dev.promptline.api.platform.web;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One page of a list, and the token that fetches the next one ({@code null} on the last page). */
public record Page<T>(List<T> items, @Nullable String nextPageToken) {
    public Page {
        items = List.copyOf(requireNonNull(items, "items is null"));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), nextPageToken);
    }
}
