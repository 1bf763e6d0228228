package dev.promptline.api.console;

import dev.promptline.api.console.ExecutionViews.ExecutionFilters;
import dev.promptline.api.executions.ExecutionFilter;
import dev.promptline.api.executions.ExecutionStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The executions list's filter form read into an {@link ExecutionFilter}, each mistake in words. Times are read as
 * UTC, which the form says beside them.
 */
final class ExecutionFiltering {
    static final List<String> STATUSES = java.util.Arrays.stream(ExecutionStatus.values())
            .map(ExecutionStatus::value)
            .toList();

    /** The filter, or null when the form has mistakes, which are added to {@code errors}. */
    static @Nullable ExecutionFilter read(ExecutionFilters form, List<String> errors) {
        UUID promptId = uuid(form.promptId(), "The prompt", errors);
        UUID modelId = uuid(form.modelId(), "The model", errors);
        Integer version = null;
        if (!form.version().isEmpty()) {
            try {
                version = Integer.valueOf(form.version());
            } catch (NumberFormatException e) {
                version = 0;
            }
            if (version < 1) {
                errors.add("The version must be a whole number, 1 or more.");
            } else if (form.promptId().isEmpty()) {
                errors.add("Pick a prompt to filter by version: versions are numbered per prompt.");
            }
        }
        ExecutionStatus status = null;
        if (!form.status().isEmpty()) {
            if (STATUSES.contains(form.status())) {
                status = ExecutionStatus.fromValue(form.status());
            } else {
                errors.add("The status must be one of " + String.join(", ", STATUSES) + ".");
            }
        }
        Instant from = time(form.from(), "From", errors);
        Instant to = time(form.to(), "To", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add("From must be before To.");
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new ExecutionFilter(promptId, version, modelId, status, from, to, null, null);
    }

    private static @Nullable UUID uuid(String value, String name, List<String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add("%s '%s' is not one of the choices.".formatted(name, value));
            return null;
        }
    }

    private static @Nullable Instant time(String value, String name, List<String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.add("%s must be a date and time such as 2026-12-07T14:30 (UTC).".formatted(name));
            return null;
        }
    }

    /** A field as typed, without surrounding blanks; empty when absent. */
    static String strip(@Nullable String value) {
        return value == null ? "" : value.strip();
    }

    private ExecutionFiltering() {}
}
