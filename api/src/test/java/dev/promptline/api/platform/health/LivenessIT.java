package dev.promptline.api.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.IsolatedDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/** {@code /health} on the API's port answers what the actuator's liveness group answers on the management port. */
class LivenessIT extends IsolatedDatabase {
    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    ApplicationContext context;

    @Test
    void upWhileTheApplicationIsCorrect() {
        var health = new Http(port).get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(health.headers().firstValue("Content-Type"))
                .hasValue("application/vnd.spring-boot.actuator.v3+json");
        assertThat(sameAsTheActuator(health.statusCode())).isTrue();
    }

    @Test
    void downWithA503OnceTheApplicationIsBroken() {
        AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
        try {
            var health = new Http(port).get("/health");

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"DOWN\"}");
            assertThat(sameAsTheActuator(health.statusCode())).isTrue();
        } finally {
            AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        }
        assertThat(new Http(port).get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void plainJsonOnRequestAndOnlyGet() {
        var http = new Http(port);
        var json = http.send(http.request("/health")
                .header("Accept", "application/json")
                .GET()
                .build());

        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(http.send(http.request("/health")
                                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build())
                        .statusCode())
                .isEqualTo(405);
    }

    private boolean sameAsTheActuator(int status) {
        var actuator = new Http(managementPort).get("/actuator/health/liveness");
        return actuator.statusCode() == status
                && Http.json(actuator).get("status").asString().equals(status == 200 ? "UP" : "DOWN");
    }
}
