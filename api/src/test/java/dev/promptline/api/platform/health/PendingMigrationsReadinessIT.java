package dev.promptline.api.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import dev.promptline.api.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * With migrations left to a deploy job, the service starts on an empty database but is not ready until the job has
 * run; Redis is not checked when it is not configured.
 */
@IsolatedDatabase.Empty
@TestPropertySource(properties = "promptline.database.migrate-on-start=false")
class PendingMigrationsReadinessIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @Test
    void notReadyUntilTheMigrationsRunThenReady() {
        var http = new Http(port);
        var response = http.get("/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode components = Http.json(response).get("components");
        assertThat(components.get("database").get("status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(components
                        .get("database")
                        .get("details")
                        .get("schemaVersion")
                        .asString())
                .isEqualTo("none");
        assertThat(components.get("database").get("details").get("error").asString())
                .isEqualTo("migrations pending");
        assertThat(components.has("redis")).as("Redis is not configured").isFalse();

        TestDatabases.migrate(database());

        assertThat(http.get("/ready").statusCode()).isEqualTo(200);
    }
}
