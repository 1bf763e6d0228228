package dev.promptline.api.executions;

import dev.promptline.api.platform.health.HealthProperties;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Ready only while the agent runtime answers its gRPC health check with SERVING: a replica whose runtime is down
 * cannot execute prompts, so it should get no traffic (DOWN, /ready 503). Liveness does not include it: restarting
 * the api would not bring the runtime back.
 */
@Component
class RuntimeHealthIndicator implements HealthIndicator {
    private static final HealthCheckRequest CHECK = HealthCheckRequest.newBuilder()
            .setService(AgentRuntimeServiceGrpc.SERVICE_NAME)
            .build();

    private final RuntimeConnection runtime;
    private final HealthProperties properties;

    RuntimeHealthIndicator(RuntimeConnection runtime, HealthProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    @Override
    public Health health() {
        Health.Builder health = check().withDetail("mode", runtime.mode());
        if (runtime.isRemote()) {
            health.withDetail("address", runtime.address());
        }
        return health.build();
    }

    private Health.Builder check() {
        try {
            ServingStatus status = HealthGrpc.newBlockingStub(runtime.channel())
                    .withDeadlineAfter(properties.checkTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .check(CHECK)
                    .getStatus();
            return status == ServingStatus.SERVING
                    ? Health.up()
                    : Health.down().withDetail("error", "the runtime reports " + status);
        } catch (StatusRuntimeException e) {
            // gRPC waits up to two minutes between reconnection attempts; a failed probe asks for one now, so the
            // replica is ready again at the first probe after the runtime is back.
            runtime.channel().resetConnectBackoff();
            return Health.down().withDetail("error", describe(e.getStatus()));
        }
    }

    /** The status and its cause in one line, e.g. "UNAVAILABLE: io exception (Connection refused: ...)". */
    private static String describe(Status status) {
        var text = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            text.append(": ").append(status.getDescription());
        }
        if (status.getCause() != null) {
            text.append(" (").append(status.getCause().getMessage()).append(')');
        }
        return text.toString();
    }
}
