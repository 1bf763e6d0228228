package dev.promptline.runtime.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.promptline.runtime.AgentRuntime;
import dev.promptline.runtime.RuntimeSettings;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import dev.promptline.runtime.v1.AgentRuntimeServiceGrpc;
import dev.promptline.runtime.v1.ChatMessage;
import dev.promptline.runtime.v1.Credential;
import dev.promptline.runtime.v1.ExecuteRequest;
import dev.promptline.runtime.v1.ModelSpec;
import dev.promptline.runtime.v1.Provider;
import dev.promptline.runtime.v1.Role;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The one log line per execution, as an operator reads it: what ran, how it ended, what it cost, and never the
 * credential or the prompt.
 */
class ExecutionLogTest {
    private static final String SECRET = "sk-live-" + UUID.randomUUID();
    private static final String PROMPT = "Classify: my card number is 4111 1111 1111 1111";
    private static final RuntimeSettings SETTINGS = new RuntimeSettings(
            List.of("127.0.0.1"), Duration.ofSeconds(2), 3, Duration.ofMillis(1), Duration.ofSeconds(2));

    private final Logger logger = (Logger) LoggerFactory.getLogger(ExecutionLog.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private FakeProvider provider;
    private TestRuntime runtime;

    @BeforeEach
    void start() {
        lines.start();
        logger.addAppender(lines);
        provider = FakeProvider.openAi();
        runtime = TestRuntime.start(TestRuntime.Transport.NETTY, AgentRuntime.grpcService(SETTINGS));
    }

    @AfterEach
    void stop() throws InterruptedException {
        logger.detachAppender(lines);
        runtime.close();
        provider.close();
    }

    @Test
    void aSucceededExecutionLogsOneLineWithItsOutcomeAndCost() {
        provider.enqueue(Reply.serverError(), Reply.stream("Refund", " request").inputTokens(21));
        String id = UUID.randomUUID().toString();

        runtime.execute(request(id));

        ILoggingEvent line = onlyLineOf(id);
        Map<String, Object> fields = fields(line);
        assertThat(fields)
                .containsEntry("execution.provider", "openai")
                .containsEntry("execution.model", "support-model")
                .containsEntry("execution.status", "succeeded")
                .containsEntry("execution.attempts", 2)
                .containsEntry("execution.inputTokens", 21)
                .containsEntry("execution.outputTokens", 2)
                .containsEntry("execution.finishReason", "stop")
                .containsKeys("execution.latencyMs", "execution.timeToFirstTokenMs");
        assertThat((Long) fields.get("execution.latencyMs"))
                .isGreaterThanOrEqualTo((Long) fields.get("execution.timeToFirstTokenMs"));
        assertThat(line.getFormattedMessage()).contains(id).contains("succeeded after 2 attempt(s)");
        assertNoSecretOrPrompt(line);
    }

    @Test
    void aFailedExecutionLogsItsErrorWithoutTheCredentialTheProviderEchoed() {
        provider.enqueue(Reply.status(401, """
                {"error": {"message": "Incorrect API key provided: %s", "type": "invalid_request_error"}}""".formatted(SECRET)));
        String id = UUID.randomUUID().toString();

        runtime.execute(request(id));

        ILoggingEvent line = onlyLineOf(id);
        assertThat(fields(line))
                .containsEntry("execution.status", "auth_failed")
                .containsEntry("execution.attempts", 1)
                .containsEntry("execution.outputTokens", 0);
        assertThat((String) fields(line).get("execution.error")).contains("401").contains("Incorrect API key");
        assertNoSecretOrPrompt(line);
    }

    @Test
    void aCallRefusedBeforeItRanLogsWhy() {
        String id = UUID.randomUUID().toString();
        var noDeadline = AgentRuntimeServiceGrpc.newBlockingStub(runtime.channel());

        assertThatThrownBy(() -> noDeadline.execute(request(id)).forEachRemaining(event -> {}))
                .isInstanceOf(StatusRuntimeException.class);

        ILoggingEvent line = onlyLineOf(id);
        assertThat(fields(line))
                .containsEntry("execution.provider", "openai")
                .containsEntry("execution.model", "support-model")
                .containsEntry("execution.status", "invalid_request")
                .containsEntry("execution.attempts", 0);
        assertThat((String) fields(line).get("execution.error")).contains("deadline");
        assertThat(provider.requestCount()).isZero();
        assertNoSecretOrPrompt(line);
    }

    private ILoggingEvent onlyLineOf(String executionId) {
        List<ILoggingEvent> ofExecution = lines.list.stream()
                .filter(line -> executionId.equals(fields(line).get("execution.id")))
                .toList();
        assertThat(ofExecution).as("log lines of execution %s", executionId).hasSize(1);
        return ofExecution.getFirst();
    }

    private static Map<String, Object> fields(ILoggingEvent line) {
        return line.getKeyValuePairs() == null
                ? Map.of()
                : line.getKeyValuePairs().stream().collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
    }

    private static void assertNoSecretOrPrompt(ILoggingEvent line) {
        String everything = line.getFormattedMessage() + " " + fields(line);
        assertThat(everything).doesNotContain(SECRET).doesNotContain("4111");
    }

    private ExecuteRequest request(String executionId) {
        return ExecuteRequest.newBuilder()
                .setExecutionId(executionId)
                .setModel(ModelSpec.newBuilder()
                        .setProvider(Provider.PROVIDER_OPENAI)
                        .setModelName("support-model")
                        .setBaseUrl(provider.baseUrl())
                        .setCredential(Credential.newBuilder().setApiKey(SECRET)))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent(PROMPT))
                .build();
    }
}
