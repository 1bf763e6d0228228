package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.LogSafe;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes execution records in group commits: the writes that concurrent executions ask for while one transaction is
 * being written and flushed go together in the next one (a JDBC batch per statement, one commit). A caller that must
 * know its write is durable (the pending record before the runtime is called, the outcome before its client is
 * answered) waits for the commit of the transaction its write went in; nobody is answered before their own row is
 * durable. The move to running is not waited for: it goes in the next transaction, and is left out when the same
 * transaction finishes that execution.
 *
 * <p>There is no writer thread: whoever submits a write and finds no transaction in progress writes what is queued
 * itself, on its own thread, so a lone execution pays no hand-off. Whoever ends a transaction hands what was queued
 * meanwhile to a new virtual thread, so a write is never left behind and no caller keeps writing for others.
 */
@Component
class RecordWriter {
    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);
    /** At most this many writes in one transaction: bounds what a failed transaction has to retry one by one. */
    private static final int MAX_BATCH = 256;

    sealed interface Write {}

    record Open(Execution pending, String runner, @Nullable UUID experimentId) implements Write {}

    record MarkRunning(OrganizationId organizationId, UUID id, Instant startedAt) implements Write {}

    record Finish(
            OrganizationId organizationId,
            UUID id,
            ExecutionOutcome outcome,
            @Nullable BigDecimal cost,
            @Nullable Instant startedAt)
            implements Write {}

    /**
     * A record that is finished as it is opened (an answer served from the response cache, which calls nothing): one
     * insert of the whole row instead of an insert and an update.
     */
    record Complete(Open open, Finish finish, Instant finishedAt) implements Write {}

    /** A write and what became of it: for a finish, whether it finished the record (a sweep may have come first). */
    private record Queued(Write write, CompletableFuture<Boolean> written) {}

    private final ExecutionRepository repository;
    private final TransactionTemplate transactions;
    private final Queue<Queued> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    RecordWriter(ExecutionRepository repository, TransactionTemplate transactions) {
        this.repository = repository;
        this.transactions = transactions;
    }

    /** Writes the pending record; returns once it is committed. */
    void open(Execution pending, String runner, @Nullable UUID experimentId) {
        awaitWritten(submit(new Open(pending, runner, experimentId)));
    }

    /** Queues the move to running; the next transaction writes it, and this does not wait for it. */
    void markRunning(OrganizationId organizationId, UUID id, Instant startedAt) {
        submit(new MarkRunning(organizationId, id, startedAt));
    }

    /** Writes a record finished as it is opened; returns once it is committed. */
    void complete(Complete complete) {
        awaitWritten(submit(complete));
    }

    /** Writes the outcome; returns once it is committed: false if the record was already finished (by a sweep). */
    boolean finish(Finish finish) {
        return awaitWritten(submit(finish));
    }

    private CompletableFuture<Boolean> submit(Write write) {
        var queued = new Queued(write, new CompletableFuture<>());
        queue.add(queued);
        drain();
        return queued.written();
    }

    /**
     * Writes one batch of what is queued, unless a transaction is in progress: its writer looks at the queue once it
     * lets go (either it sees a write queued meanwhile, or that write's thread finds the lock free). What is queued
     * after this batch goes to a new thread, so this caller is answered now instead of writing for others.
     */
    private void drain() {
        if (!writing.tryLock()) {
            return;
        }
        try {
            writeQueued();
        } finally {
            writing.unlock();
        }
        if (!queue.isEmpty()) {
            Thread.ofVirtual().name("execution-records").start(this::drain);
        }
    }

    private void writeQueued() {
        List<Queued> batch = new ArrayList<>();
        for (Queued next; batch.size() < MAX_BATCH && (next = queue.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<Boolean> finished = write(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).written().complete(finished.get(i));
            }
        } catch (DataIntegrityViolationException refused) {
            // One write the database refused (its prompt version deleted meanwhile, a byte it cannot store) must not
            // fail the others: the transaction rolled back, so each is written again alone.
            if (batch.size() == 1) {
                fail(batch.getFirst(), refused);
            } else {
                batch.forEach(this::writeAlone);
            }
        } catch (TransactionException unreachable) {
            // No connection to begin the transaction, or none left to end it: the database is down, for every write
            // in the batch alike.
            var down = new DataAccessResourceFailureException(unreachable.getMessage(), unreachable);
            batch.forEach(queued -> fail(queued, down));
        } catch (RuntimeException | Error e) {
            batch.forEach(queued -> fail(queued, e));
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private void writeAlone(Queued queued) {
        try {
            queued.written().complete(write(List.of(queued)).getFirst());
        } catch (RuntimeException e) {
            fail(queued, e);
        }
    }

    private static void fail(Queued queued, Throwable e) {
        if (queued.write() instanceof MarkRunning mark) {
            // Nobody waits for it; the finish (or the sweep) closes the record all the same.
            log.warn("Could not mark execution {} running: {}", mark.id(), LogSafe.summary(e));
        }
        queued.written().completeExceptionally(e);
    }

    /**
     * One transaction: the inserts (pending records, then finished ones), then the moves to running of executions this
     * batch does not also finish, then the finishes. Returns, per write, whether it changed its row.
     */
    private List<Boolean> write(List<Queued> batch) {
        var opens = new ArrayList<Open>();
        var completes = new ArrayList<Complete>();
        var marks = new ArrayList<MarkRunning>();
        var finishes = new ArrayList<Finish>();
        Set<UUID> finishing = new HashSet<>();
        for (Queued queued : batch) {
            switch (queued.write()) {
                case Open open -> opens.add(open);
                case Complete complete -> completes.add(complete);
                case MarkRunning mark -> marks.add(mark);
                case Finish finish -> {
                    finishes.add(finish);
                    finishing.add(finish.id());
                }
            }
        }
        marks.removeIf(mark -> finishing.contains(mark.id()));
        // All or nothing, so that a failed batch can be written again one write at a time; a lone write needs no
        // BEGIN and COMMIT round trips of its own.
        int writes = opens.size() + completes.size() + marks.size() + finishes.size();
        int[] finished = writes <= 1
                ? writeAll(opens, completes, marks, finishes)
                : requireNonNull(transactions.execute(status -> writeAll(opens, completes, marks, finishes)));
        var results = new ArrayList<Boolean>(batch.size());
        int next = 0;
        for (Queued queued : batch) {
            results.add(queued.write() instanceof Finish ? finished[next++] == 1 : Boolean.TRUE);
        }
        return results;
    }

    private int[] writeAll(List<Open> opens, List<Complete> completes, List<MarkRunning> marks, List<Finish> finishes) {
        repository.insertAll(opens);
        repository.insertCompleteAll(completes);
        repository.markRunningAll(marks);
        return repository.finishAll(finishes);
    }

    private static boolean awaitWritten(CompletableFuture<Boolean> written) {
        try {
            return written.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case RuntimeException cause -> throw cause;
                case Error cause -> throw cause;
                case null, default -> throw e;
            }
        }
    }
}
