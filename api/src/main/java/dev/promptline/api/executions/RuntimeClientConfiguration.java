package dev.promptline.api.executions;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The channel to the agent runtime, a bean named {@code runtimeChannel}: built here for a remote runtime
 * (RUNTIME_ADDRESS), otherwise supplied by the in-process runtime's auto-configuration (the promptline-runtime jar).
 */
@Configuration(proxyBeanMethods = false)
class RuntimeClientConfiguration {
    static final String CHANNEL = "runtimeChannel";

    /** Prompts and outputs can be long; the runtime accepts the same size. */
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * Destroyed with the context, which is after the web server has drained in-flight requests within the shutdown
     * grace period; a call still open then is past that grace and is cancelled, which cancels its model call.
     */
    @Bean(name = CHANNEL, destroyMethod = "shutdownNow")
    @Conditional(RemoteRuntime.class)
    ManagedChannel runtimeChannel(RuntimeClientProperties properties) {
        ManagedChannel channel = Grpc.newChannelBuilder(properties.address(), InsecureChannelCredentials.create())
                // A peer that vanished mid-stream is noticed in under a minute, not when TCP gives up.
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        // Resolve and connect now, not on the first call, so the first readiness probe does not pay for it.
        channel.getState(true);
        return channel;
    }

    @Bean
    RuntimeConnection runtimeConnection(
            @Qualifier(CHANNEL) ObjectProvider<ManagedChannel> channel, RuntimeClientProperties properties) {
        ManagedChannel available = channel.getIfAvailable();
        if (available == null) {
            throw new RuntimeNotConfiguredException();
        }
        return new RuntimeConnection(available, properties.address());
    }

    /** Matches when RUNTIME_ADDRESS names a remote runtime. */
    static final class RemoteRuntime implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !context.getEnvironment()
                    .getProperty(RuntimeClientProperties.ADDRESS, "")
                    .isBlank();
        }
    }
}
