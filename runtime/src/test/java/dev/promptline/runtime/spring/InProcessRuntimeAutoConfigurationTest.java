package dev.promptline.runtime.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ExecuteResponse;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The in-process mode as an embedding application sees it: one bean, a channel to a runtime in the same JVM. */
class InProcessRuntimeAutoConfigurationTest {
    @Test
    void withoutAnAddressTheChannelReachesAServingRuntime() {
        try (var context = context(Map.of())) {
            ManagedChannel channel = context.getBean(InProcessRuntimeAutoConfiguration.CHANNEL, ManagedChannel.class);

            assertThat(check(channel)).isEqualTo(ServingStatus.SERVING);
            List<ExecuteResponse> events = new ArrayList<>();
            AgentRuntimeServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .execute(echo("hello in-process runtime"))
                    .forEachRemaining(events::add);
            assertThat(events.getLast().hasCompleted()).as(events.toString()).isTrue();
        }
    }

    @Test
    void anEmptyAddressIsTheSameAsNone() {
        try (var context = context(Map.of(InProcessRuntimeAutoConfiguration.ADDRESS, " "))) {
            assertThat(context.containsBean(InProcessRuntimeAutoConfiguration.CHANNEL))
                    .isTrue();
        }
    }

    @Test
    void anAddressMeansARemoteRuntimeSoNothingStartsHere() {
        try (var context = context(Map.of(InProcessRuntimeAutoConfiguration.ADDRESS, "localhost:9090"))) {
            assertThat(context.getBeansOfType(ManagedChannel.class)).isEmpty();
            assertThat(context.getBeansOfType(InProcessRuntime.class)).isEmpty();
        }
    }

    @Test
    void contextsInOneJvmEachHaveTheirOwnRuntimeAndCloseIt() {
        // A second server under the same in-process name would fail to start.
        ManagedChannel first;
        try (var one = context(Map.of());
                var two = context(Map.of())) {
            first = one.getBean(InProcessRuntimeAutoConfiguration.CHANNEL, ManagedChannel.class);
            ManagedChannel second = two.getBean(InProcessRuntimeAutoConfiguration.CHANNEL, ManagedChannel.class);
            assertThat(check(first)).isEqualTo(ServingStatus.SERVING);
            assertThat(check(second)).isEqualTo(ServingStatus.SERVING);
        }
        assertThat(first.isShutdown())
                .as("closing the context shuts the channel down")
                .isTrue();
    }

    @Test
    void propertiesBindToTheRuntimeSettingsAndEmptyOnesKeepTheDefaults() {
        var environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "promptline.runtime.allowed-hosts", "ollama.local, 10.0.0.0/8,",
                                "promptline.runtime.connect-timeout", "3s",
                                "promptline.runtime.max-attempts", "5",
                                "promptline.runtime.retry-initial-backoff", "",
                                "promptline.runtime.retry-max-backoff", "20s")));

        RuntimeSettings settings = Binder.get(environment)
                .bind(RuntimeProperties.PREFIX, RuntimeProperties.class)
                .get()
                .toSettings();

        assertThat(settings)
                .isEqualTo(new RuntimeSettings(
                        List.of("ollama.local", "10.0.0.0/8"),
                        Duration.ofSeconds(3),
                        5,
                        RuntimeSettings.DEFAULTS.initialBackoff(),
                        Duration.ofSeconds(20)));
    }

    @Test
    void springBootFindsTheAutoConfiguration() throws IOException {
        try (InputStream imports = getClass()
                .getResourceAsStream(
                        "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertThat(imports).isNotNull();
            assertThat(new String(imports.readAllBytes(), StandardCharsets.UTF_8).lines())
                    .contains(InProcessRuntimeAutoConfiguration.class.getName());
        }
    }

    private static AnnotationConfigApplicationContext context(Map<String, Object> properties) {
        var context = new AnnotationConfigApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
        context.register(InProcessRuntimeAutoConfiguration.class);
        context.refresh();
        return context;
    }

    private static ServingStatus check(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder()
                        .setService(AgentRuntimeServiceGrpc.SERVICE_NAME)
                        .build())
                .getStatus();
    }

    private static ExecuteRequest echo(String prompt) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(UUID.randomUUID().toString())
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_ECHO)
                        .setModelName("echo"))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent(prompt))
                .build();
    }
}
