package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.IsolatedDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The group commit's rules: a caller returns only once its own write is committed, writes submitted while another
 * transaction is in progress are all written (none left in the queue), and one write the database refuses fails
 * alone, not the others that went in its transaction.
 */
class RecordWriterIT extends IsolatedDatabase {
    @Autowired
    RecordWriter writer;

    @Autowired
    JdbcClient jdbc;

    OrganizationId organization;

    @BeforeEach
    void anOrganization() {
        organization = new OrganizationId(
                jdbc.sql("INSERT INTO organizations (name, slug) VALUES ('Writer', :slug) RETURNING id")
                        .param("slug", "writer-" + UUID.randomUUID())
                        .query(UUID.class)
                        .single());
    }

    @Test
    void concurrentExecutionsEachFindTheirOwnRowCommittedWhenTheirCallReturns() throws Exception {
        int threads = 32;
        int each = 20;
        var barrier = new CyclicBarrier(threads);
        var problems = new ArrayList<Future<List<String>>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                problems.add(pool.submit(() -> {
                    barrier.await();
                    var seen = new ArrayList<String>();
                    for (int i = 0; i < each; i++) {
                        Execution pending = pending(organization);
                        if (i % 4 == 3) {
                            // Every fourth record is written whole, in the same batches as the others' writes.
                            writer.complete(new RecordWriter.Complete(
                                    new RecordWriter.Open(pending, "test-runner", null),
                                    finish(pending, "output " + i),
                                    Instant.now()));
                            ExecutionRow row =
                                    ExecutionRow.read(jdbc, pending.id().toString());
                            seen.add("written whole " + row.status() + " " + ("output " + i).equals(row.output()));
                            continue;
                        }
                        writer.open(pending, "test-runner", null);
                        // Read on another connection: committed, not merely written in an open transaction.
                        seen.add("opened "
                                + ExecutionRow.read(jdbc, pending.id().toString())
                                        .status());
                        writer.markRunning(organization, pending.id(), Instant.now());
                        boolean finished = writer.finish(finish(pending, "output " + i));
                        ExecutionRow row = ExecutionRow.read(jdbc, pending.id().toString());
                        seen.add("finished " + finished + " " + row.status() + " "
                                + ("output " + i).equals(row.output()));
                    }
                    return seen;
                }));
            }
            for (Future<List<String>> done : problems) {
                assertThat(done.get())
                        .hasSize(2 * each - each / 4)
                        .containsOnly("opened pending", "finished true succeeded true", "written whole succeeded true");
            }
        }
        assertThat(jdbc.sql("SELECT status, count(*) FROM executions WHERE organization_id = :organization"
                                + " GROUP BY status")
                        .param("organization", organization.value())
                        .query((row, n) -> row.getString(1) + "=" + row.getInt(2))
                        .list())
                .containsExactly("succeeded=" + threads * each);
    }

    @Test
    void aMoveToRunningIsWrittenWithoutItsCallerWaitingAndAFinishWritesTheStartTimeWhenItWasLeftOut() {
        Execution pending = pending(organization);
        writer.open(pending, "test-runner", null);
        Instant started = Instant.now();

        writer.markRunning(organization, pending.id(), started);

        ExecutionRow row = ExecutionRow.read(jdbc, pending.id().toString());
        assertThat(row.status())
                .as("nobody else was writing, so the caller wrote it")
                .isEqualTo("running");
        assertThat(writer.finish(finish(pending, "done"))).isTrue();
        assertThat(jdbc.sql("SELECT started_at IS NOT NULL FROM executions WHERE id = :id")
                        .param("id", pending.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void aSecondFinishChangesNothingAndSaysSo() {
        Execution pending = pending(organization);
        writer.open(pending, "test-runner", null);

        assertThat(writer.finish(finish(pending, "first"))).isTrue();
        assertThat(writer.finish(finish(pending, "second"))).isFalse();

        assertThat(ExecutionRow.read(jdbc, pending.id().toString()).output()).isEqualTo("first");
    }

    @Test
    void aWriteTheDatabaseRefusesFailsAloneAndTheOthersInItsBatchAreWritten() throws Exception {
        var nobody = new OrganizationId(UUID.randomUUID());
        int writers = 16;
        var barrier = new CyclicBarrier(writers + 1);
        var good = new ArrayList<Future<UUID>>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                good.add(pool.submit(() -> {
                    Execution pending = pending(organization);
                    barrier.await();
                    writer.open(pending, "test-runner", null);
                    return pending.id();
                }));
            }
            Future<?> bad = pool.submit(() -> {
                Execution orphan = pending(nobody);
                barrier.await();
                writer.open(orphan, "test-runner", null);
                return null;
            });

            assertThatThrownBy(bad::get).hasCauseInstanceOf(DataIntegrityViolationException.class);
            for (Future<UUID> written : good) {
                assertThat(ExecutionRow.read(jdbc, written.get().toString()).status())
                        .isEqualTo("pending");
            }
        }
    }

    private static Execution pending(OrganizationId organization) {
        Instant now = Instant.now();
        return new Execution(
                UUID.randomUUID(),
                organization,
                null,
                null,
                null,
                null,
                "echo",
                "echo",
                new ExecutionInput(Map.of("ticket", "x"), ModelParameters.NONE),
                null,
                null,
                null,
                null,
                null,
                null,
                ExecutionStatus.PENDING,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                now,
                null,
                null,
                now.plus(Duration.ofMinutes(1)),
                null,
                List.of(),
                null,
                null,
                null);
    }

    private static RecordWriter.Finish finish(Execution pending, String output) {
        return new RecordWriter.Finish(
                pending.organizationId(),
                pending.id(),
                ExecutionOutcome.succeeded(
                        output,
                        new ExecutionOutcome.Usage(3, 4, 1),
                        new ExecutionOutcome.Timing(5, 2L),
                        FinishReason.STOP),
                null,
                Instant.now());
    }
}
