package dev.promptline.api.testing;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/** An execution record as PostgreSQL holds it, read with SQL: what is really stored, not what the API says. */
public record ExecutionRow(
        UUID id,
        String status,
        String provider,
        String providerModelId,
        @Nullable String output,
        @Nullable Integer tokensInput,
        @Nullable Integer tokensOutput,
        @Nullable Integer latencyMs,
        @Nullable BigDecimal costUsd,
        @Nullable Integer attempts,
        @Nullable String finishReason,
        @Nullable String errorCode,
        @Nullable String errorMessage,
        @Nullable String runner,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {
    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "timed_out");

    public static ExecutionRow read(JdbcClient jdbc, String id) {
        return jdbc.sql("""
                        SELECT id, status, provider, provider_model_id, output, tokens_input, tokens_output, latency_ms,
                               cost_usd, attempts, finish_reason, error_code, error_message, runner, created_at,
                               started_at, finished_at
                          FROM executions
                         WHERE id = :id
                        """)
                .param("id", UUID.fromString(id))
                .query(ExecutionRow::map)
                .single();
    }

    public static int count(JdbcClient jdbc, UUID organizationId) {
        return jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :organization")
                .param("organization", organizationId)
                .query(Integer.class)
                .single();
    }

    public boolean isTerminal() {
        return TERMINAL.contains(status);
    }

    private static ExecutionRow map(ResultSet row, int number) throws SQLException {
        return new ExecutionRow(
                row.getObject("id", UUID.class),
                row.getString("status"),
                row.getString("provider"),
                row.getString("provider_model_id"),
                row.getString("output"),
                row.getObject("tokens_input", Integer.class),
                row.getObject("tokens_output", Integer.class),
                row.getObject("latency_ms", Integer.class),
                row.getBigDecimal("cost_usd"),
                row.getObject("attempts", Integer.class),
                row.getString("finish_reason"),
                row.getString("error_code"),
                row.getString("error_message"),
                row.getString("runner"),
                instant(row.getTimestamp("created_at")),
                nullableInstant(row.getTimestamp("started_at")),
                nullableInstant(row.getTimestamp("finished_at")));
    }

    private static Instant instant(@Nullable Timestamp timestamp) {
        if (timestamp == null) {
            throw new IllegalStateException("created_at is NOT NULL");
        }
        return timestamp.toInstant();
    }

    private static @Nullable Instant nullableInstant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
