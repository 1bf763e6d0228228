package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.console.ExecutionViews.ExecutionFilters;
import dev.promptline.api.executions.ExecutionFilter;
import dev.promptline.api.executions.ExecutionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionFilteringTest {
    @Test
    void anEmptyFormFiltersNothing() {
        var errors = new ArrayList<String>();

        ExecutionFilter filter = ExecutionFiltering.read(new ExecutionFilters("", "", "", "", "", ""), errors);

        assertThat(errors).isEmpty();
        assertThat(filter).isEqualTo(new ExecutionFilter(null, null, null, null, null, null, null, null));
    }

    @Test
    void everyFieldIsReadWithTimesInUtc() {
        UUID prompt = UUID.randomUUID();
        UUID model = UUID.randomUUID();
        var errors = new ArrayList<String>();

        ExecutionFilter filter = ExecutionFiltering.read(
                new ExecutionFilters(
                        prompt.toString(),
                        "3",
                        model.toString(),
                        "timed_out",
                        "2026-12-07T09:30",
                        "2026-12-07T10:00:15"),
                errors);

        assertThat(errors).isEmpty();
        assertThat(filter)
                .isEqualTo(new ExecutionFilter(
                        prompt,
                        3,
                        model,
                        ExecutionStatus.TIMED_OUT,
                        Instant.parse("2026-12-07T09:30:00Z"),
                        Instant.parse("2026-12-07T10:00:15Z"),
                        null,
                        null));
    }

    @Test
    void mistakesAreSaidInWordsAndGiveNoFilter() {
        var errors = new ArrayList<String>();

        ExecutionFilter filter = ExecutionFiltering.read(
                new ExecutionFilters("", "2", "x", "done", "2026-12-07T10:00", "2026-12-07T09:00"), errors);

        assertThat(filter).isNull();
        assertThat(errors)
                .containsExactly(
                        "The model 'x' is not one of the choices.",
                        "Pick a prompt to filter by version: versions are numbered per prompt.",
                        "The status must be one of pending, running, succeeded, failed, cancelled, timed_out.",
                        "From must be before To.");
    }
}
