package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an evaluator looks at: one execution's output beside the variables it ran with and, when it came from a dataset
 * item, the output that was expected.
 *
 * @param input the variables the prompt was rendered with
 * @param expectedOutput the dataset item's expected output; null when there is none (a live execution)
 * @param output what the model answered; null when the execution produced nothing
 * @param latency the execution's whole duration, when known
 * @param costUsd what the execution cost, when priced
 */
public record Subject(
        Map<String, String> input,
        @Nullable String expectedOutput,
        @Nullable String output,
        @Nullable Duration latency,
        @Nullable BigDecimal costUsd) {
    public Subject {
        input = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(input, "input is null")));
    }
}
