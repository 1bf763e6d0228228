package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.ServiceProcess;
import dev.promptline.api.testing.TestDatabases;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * No execution stays unfinished forever. The records are written before the service starts, as a process that
 * stopped on this host and port would have left them; the service then starts on that same port, so it is that
 * process restarted.
 */
class ExecutionRecoveryIT extends IsolatedDatabase {
    private static final int PORT = ServiceProcess.freePort();
    /** Who ran the executions: what ExecutionRunner calls this process (host name and port; the pod in a cluster). */
    private static final String THIS_PROCESS = hostName() + ":" + PORT;

    private static UUID leftRunning;
    private static UUID leftPending;
    private static UUID pastItsDeadline;
    private static UUID runningElsewhere;

    // Before the service starts: Spring starts it after the @BeforeAll methods.
    @BeforeAll
    static void recordsLeftByStoppedProcesses() {
        var jdbc = JdbcClient.create(
                new DriverManagerDataSource(TestDatabases.url(database()), TestDatabases.USER, TestDatabases.PASSWORD));
        UUID organization = jdbc.sql(
                        "INSERT INTO organizations (name, slug) VALUES ('Recovery', 'recovery') RETURNING id")
                .query(UUID.class)
                .single();
        Instant now = Instant.now();
        Instant inAnHour = now.plus(Duration.ofHours(1));
        leftRunning = insert(jdbc, organization, "running", THIS_PROCESS, now, inAnHour);
        leftPending = insert(jdbc, organization, "pending", THIS_PROCESS, null, inAnHour);
        // Ran by a replica that is gone for good and never came back to close its records.
        pastItsDeadline = insert(
                jdbc,
                organization,
                "running",
                "gone-replica:8080",
                now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(1)));
        // Running right now on another replica, within its deadline.
        runningElsewhere = insert(jdbc, organization, "running", "other-replica:8080", now, inAnHour);
    }

    @DynamicPropertySource
    static void theStoppedProcessesPortAndAQuickSweep(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("promptline.executions.sweep-interval", () -> "200ms");
    }

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ExecutionRunner runner;

    @Autowired
    AnnouncedExecutions announced;

    /** What other features hear: every execution closed as abandoned is announced as finished, once. */
    @TestConfiguration
    static class Listening {
        @Bean
        AnnouncedExecutions announcedExecutions() {
            return new AnnouncedExecutions();
        }
    }

    static final class AnnouncedExecutions {
        final List<Execution> heard = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ExecutionFinished finished) {
            heard.add(finished.execution());
        }

        List<Execution> of(UUID id) {
            return heard.stream().filter(execution -> execution.id().equals(id)).toList();
        }
    }

    @Test
    void onStartTheExecutionsThisProcessLeftUnfinishedAreFailed() {
        assertThat(runner.id()).isEqualTo(THIS_PROCESS);
        for (UUID id : new UUID[] {leftRunning, leftPending}) {
            ExecutionRow row = ExecutionRow.read(jdbc, id.toString());
            assertThat(row.status()).isEqualTo("failed");
            assertThat(row.errorCode()).isEqualTo("abandoned");
            assertThat(row.errorMessage()).contains("stopped before it ended");
            assertThat(row.finishedAt()).isNotNull();
            assertThat(announced.of(id)).singleElement().satisfies(execution -> {
                assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
                assertThat(execution.error()).isEqualTo(ExecutionError.ABANDONED);
                assertThat(execution.finishedAt()).isNotNull();
            });
        }
    }

    @Test
    void theSweepFailsAnExecutionLongPastItsDeadlineWhoeverRanItAndLeavesLiveOnesAlone() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ExecutionRow.read(jdbc, pastItsDeadline.toString()).isTerminal());

        ExecutionRow swept = ExecutionRow.read(jdbc, pastItsDeadline.toString());
        assertThat(swept.status()).isEqualTo("failed");
        assertThat(swept.errorCode()).isEqualTo("abandoned");
        assertThat(swept.errorMessage()).contains("deadline");
        assertThat(swept.finishedAt()).isNotNull();
        assertThat(announced.of(pastItsDeadline))
                .singleElement()
                .extracting(Execution::error)
                .isEqualTo(ExecutionError.ABANDONED);
        assertThat(announced.of(runningElsewhere)).isEmpty();
        // The sweep that closed it looked at this one too, in the same statement.
        assertThat(ExecutionRow.read(jdbc, runningElsewhere.toString()).status())
                .isEqualTo("running");
    }

    private static UUID insert(
            JdbcClient jdbc,
            UUID organization,
            String status,
            String runner,
            @Nullable Instant startedAt,
            Instant deadline) {
        return jdbc.sql("""
                        INSERT INTO executions (id, organization_id, provider, provider_model_id, input, status, runner,
                                                started_at, deadline_at)
                        VALUES (gen_random_uuid(), :organization, 'echo', 'echo', '{}', :status, :runner,
                                :startedAt, :deadline)
                        RETURNING id
                        """)
                .param("organization", organization)
                .param("status", status)
                .param("runner", runner)
                .param("startedAt", startedAt == null ? null : Timestamp.from(startedAt))
                .param("deadline", Timestamp.from(deadline))
                .query(UUID.class)
                .single();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
