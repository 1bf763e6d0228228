package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.ExecutionRow;
import dev.promptline.api.testing.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * Executions the service starts for itself (an experiment running a dataset), with no HTTP request: recorded like any
 * other, and announced once finished, as API executions are.
 */
class ServiceExecutionsIT extends AuthenticatedApi {
    @TestConfiguration
    static class Listeners {
        @Bean
        FinishedExecutions finishedExecutions() {
            return new FinishedExecutions();
        }

        @Bean
        BrokenListener brokenListener() {
            return new BrokenListener();
        }
    }

    static final class FinishedExecutions {
        final List<Execution> heard = new CopyOnWriteArrayList<>();

        @EventListener
        void on(ExecutionFinished finished) {
            heard.add(finished.execution());
        }

        Execution only(UUID id) {
            return heard.stream()
                    .filter(execution -> execution.id().equals(id))
                    .reduce((first, second) -> {
                        throw new AssertionError("announced twice: " + id);
                    })
                    .orElseThrow(() -> new AssertionError("never announced: " + id));
        }
    }

    /** A listener that fails must not turn a finished execution into an error. */
    static final class BrokenListener {
        @EventListener
        void on(ExecutionFinished finished) {
            throw new IllegalStateException("this listener is broken");
        }
    }

    @Autowired
    ExecutionService executions;

    @Autowired
    FinishedExecutions finished;

    @Autowired
    ExecutionPlanner planner;

    @Autowired
    ExecutionRecords records;

    OrganizationId organization;
    PromptId prompt;

    @BeforeEach
    void aPromptOnTheEchoModel() {
        var registry = new Registry(http, acme.owner().bearer());
        prompt = new PromptId(UUID.fromString(registry.prompt(registry.echoModel(), "Summarise {{ticket}}")));
        organization = new OrganizationId(acme.organizationId);
    }

    @Test
    void anExecutionStartedByTheServiceIsRecordedAndAnnounced() {
        var result = executions.execute(
                ExecutionRequest.of(organization, prompt, Map.of("ticket", "refund")), ExecutionListener.NONE);

        Execution execution = result.execution();
        assertThat(result.replayed()).isFalse();
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.output()).isEqualTo("Summarise refund");
        assertThat(execution.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(execution.error()).isNull();

        ExecutionRow row = ExecutionRow.read(jdbc, execution.id().toString());
        assertThat(row.status()).isEqualTo("succeeded");
        assertThat(row.output()).isEqualTo("Summarise refund");
        // Nobody's request: no user, no request id.
        assertThat(jdbc.sql("SELECT created_by IS NULL AND request_id IS NULL FROM executions WHERE id = :id")
                        .param("id", execution.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();

        Execution announced = finished.only(execution.id());
        assertThat(announced.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(announced.output()).isEqualTo("Summarise refund");
        assertThat(announced.promptVersion()).isEqualTo(1);
    }

    @Test
    void aRunThatEndsAfterASweepClosedItsRecordAnswersWithWhatTheRecordSays() {
        ExecutionPlan plan = planner.plan(ExecutionRequest.of(organization, prompt, Map.of("ticket", "late")));
        Execution pending = Execution.pending(UUID.randomUUID(), plan, null, null, null, Instant.now());
        records.open(pending, "test-runner", null);
        // The run outlived its deadline and the grace: a sweep closed it meanwhile.
        assertThat(records.abandonPastDeadline(Instant.now().plus(Duration.ofHours(1)), "swept in the test"))
                .isEqualTo(1);

        Execution answered = records.finish(
                pending,
                plan,
                ExecutionOutcome.succeeded(
                        "too late",
                        new ExecutionOutcome.Usage(1, 2, 1),
                        new ExecutionOutcome.Timing(10, 5L),
                        FinishReason.STOP),
                Instant.now());

        assertThat(answered.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(answered.error()).isEqualTo(ExecutionError.ABANDONED);
        assertThat(answered.output()).isNull();
        assertThat(ExecutionRow.read(jdbc, pending.id().toString()).status()).isEqualTo("failed");
        assertThat(finished.only(pending.id()).error())
                .as("announced once, as the sweep closed it")
                .isEqualTo(ExecutionError.ABANDONED);
    }

    @Test
    void aRequestThatCannotRunIsRefusedBeforeAnythingIsWrittenOrAnnounced() {
        int before = finished.heard.size();

        assertThatThrownBy(() -> executions.execute(
                        ExecutionRequest.of(organization, prompt, Map.of("unknown", "x")), ExecutionListener.NONE))
                .isInstanceOf(PromptlineException.class);

        assertThat(jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :organization")
                        .param("organization", acme.organizationId)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(finished.heard).hasSize(before);
    }

    @Test
    void anotherOrganizationsPromptIsNotFound() {
        var other = new OrganizationId(tenants.create("other").organizationId);

        assertThatThrownBy(() -> executions.execute(
                        ExecutionRequest.of(other, prompt, Map.of("ticket", "x")), ExecutionListener.NONE))
                .isInstanceOf(PromptlineException.class)
                .hasMessageContaining("No prompt");
    }
}
