package dev.promptline.api.executions;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Which runtime the api talks to: the one at RUNTIME_ADDRESS, else the in-process one (tested end to end in
 * {@link RuntimeReadinessIT}); with neither, start-up fails and says what to set.
 */
class RuntimeClientConfigurationTest {
    // Without the runtime's auto-configuration: what a build without the promptline-runtime jar sees.
    private final ApplicationContextRunner contexts =
            new ApplicationContextRunner().withUserConfiguration(Properties.class, RuntimeClientConfiguration.class);

    @Test
    void anAddressGetsAChannelToIt() {
        contexts.withPropertyValues("promptline.runtime.address=runtime.example:9090")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    var connection = context.getBean(RuntimeConnection.class);
                    assertThat(connection.address()).isEqualTo("runtime.example:9090");
                    assertThat(connection.mode()).isEqualTo("remote");
                    assertThat(connection.channel())
                            .isSameAs(context.getBean(RuntimeClientConfiguration.CHANNEL, ManagedChannel.class));
                    assertThat(connection.channel().authority()).isEqualTo("runtime.example:9090");
                });
    }

    @Test
    void withNeitherAnAddressNorTheInProcessRuntimeStartUpFailsSayingWhatToSet() {
        contexts.withPropertyValues("promptline.runtime.address=").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(failure).rootCause().isInstanceOf(RuntimeNotConfiguredException.class);

            FailureAnalysis analysis = new RuntimeNotConfiguredFailureAnalyzer().analyze(failure);
            assertThat(analysis).isNotNull();
            assertThat(analysis.getAction()).contains("Set RUNTIME_ADDRESS");
        });
    }

    @Test
    void springBootUsesTheFailureAnalyzer() {
        // Boot's own analyzers need constructor arguments this plain load does not give; only ours matters here.
        var skipOthers = SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {});
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, skipOthers))
                .hasAtLeastOneElementOfType(RuntimeNotConfiguredFailureAnalyzer.class);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RuntimeClientProperties.class)
    static class Properties {}
}
