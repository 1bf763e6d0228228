package dev.promptline.api.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.ApiApplication;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.api.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Durability across replicas. The test's own service runs no experiments (EXPERIMENT_MAX_CONCURRENT_EXECUTIONS=0):
 * it takes the request and queues the runs. The state a replica that died would leave is then written by hand (one
 * run finished, one claimed under a lease that ran out), and a second replica started on the same database finishes
 * the experiment: it takes the abandoned run back, runs what is queued, and never runs the finished run again.
 */
@TestPropertySource(properties = "promptline.experiments.max-concurrent-executions=0")
class ExperimentRecoveryIT extends AuthenticatedApi {

    @Test
    void anotherReplicaFinishesWhatADeadOneLeftWithoutRunningAFinishedRunTwice() {
        String owner = acme.owner().bearer();
        var registry = new Registry(http, owner);
        String model = registry.echoModel();
        String prompt = registry.prompt(model, "{{answer}}");
        String dataset = Http.json(http.postJson("/api/v1/datasets", """
                        {"name": "recovery", "items": [{"input": {"answer": "a"}}, {"input": {"answer": "b"}},
                                                       {"input": {"answer": "c"}}]}""", owner))
                .get("id")
                .asString();
        var created = http.postJson(
                "/api/v1/experiments",
                "{\"promptId\": \"%s\", \"datasetId\": \"%s\", \"concurrency\": 2}".formatted(prompt, dataset),
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        UUID id = UUID.fromString(Http.json(created).get("id").asString());
        String earlier = Http.json(http.postJson(
                        "/api/v1/prompts/" + prompt + "/execute", "{\"variables\": {\"answer\": \"a\"}}", owner))
                .get("id")
                .asString();
        // What a replica that died leaves: run 1 finished, run 2 claimed (its lease ran out), run 3 queued.
        jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'succeeded', execution_id = :execution, attempts = 1, started_at = now(),
                               finished_at = now()
                         WHERE experiment_id = :id AND item_position = 1
                        """)
                .param("id", id)
                .param("execution", UUID.fromString(earlier))
                .update();
        jdbc.sql("""
                        UPDATE experiment_runs
                           SET status = 'running', claimed_by = 'dead-replica:8080', attempts = 1, started_at = now(),
                               lease_until = now() - interval '1 second'
                         WHERE experiment_id = :id AND item_position = 2
                        """).param("id", id).update();
        jdbc.sql("UPDATE experiments SET status = 'running', started_at = now() WHERE id = :id")
                .param("id", id)
                .update();

        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(ApiApplication.class)
                .main(ApiApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.main.banner-mode=off",
                        "--promptline.database.url=" + TestDatabases.url(database()),
                        "--promptline.database.username=" + TestDatabases.USER,
                        "--promptline.database.password=" + TestDatabases.PASSWORD,
                        "--promptline.experiments.poll-interval=100ms")) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.json(http.get("/api/v1/experiments/" + id, owner))
                            .get("status")
                            .asString()
                            .equals("completed"));
        }

        JsonNode experiment = Http.json(http.get("/api/v1/experiments/" + id, owner));
        assertThat(experiment.get("runs").get("succeeded").asInt()).isEqualTo(3);
        List<JsonNode> runs = Http.json(http.get("/api/v1/experiments/" + id + "/runs", owner))
                .get("items")
                .valueStream()
                .toList();
        assertThat(runs.getFirst().get("executionId").asString())
                .as("the finished run is not run again")
                .isEqualTo(earlier);
        assertThat(runs.get(1).get("attempts").asInt())
                .as("the abandoned run, taken back")
                .isEqualTo(2);
        assertThat(runs).extracting(run -> run.get("output").asString()).containsExactly("a", "b", "c");
        assertThat(jdbc.sql("SELECT count(*) FROM executions WHERE experiment_id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .as("executions the second replica ran: items 2 and 3 only")
                .isEqualTo(2);
    }
}
