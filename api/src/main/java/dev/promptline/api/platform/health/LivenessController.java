package dev.promptline.api.platform.health;

import io.swagger.v3.oas.annotations.Hidden;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} on the API's port: the liveness group's answer ({@code livenessState}, nothing else), as the
 * actuator gives it on the management port at {@code /actuator/health/liveness}, {@code {"status":"UP"}} or 503 with
 * {@code {"status":"DOWN"}} once the application is broken. Written here as a fixed body rather than through the
 * actuator's endpoint machinery (operation lookup, reflective invocation, health group, JSON of a health tree), which
 * cost more than the rest of the request together (docs/benchmarks.md, 2026-12-07); the group stays on the
 * management port and LivenessIT keeps the two in step.
 */
@RestController
@Hidden // a probe, not part of the API, as the actuator's answer was not
class LivenessController {
    static final String ACTUATOR_JSON = "application/vnd.spring-boot.actuator.v3+json";
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOWN = "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.US_ASCII);

    private final ApplicationAvailability availability;

    LivenessController(ApplicationAvailability availability) {
        this.availability = availability;
    }

    @GetMapping(
            path = "/health",
            produces = {ACTUATOR_JSON, MediaType.APPLICATION_JSON_VALUE})
    @ResponseStatus(HttpStatus.OK) // the status when live; a broken application gets the entity's 503
    ResponseEntity<byte[]> health() {
        return availability.getLivenessState() == LivenessState.CORRECT
                ? ResponseEntity.ok(UP)
                : ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(DOWN);
    }
}
