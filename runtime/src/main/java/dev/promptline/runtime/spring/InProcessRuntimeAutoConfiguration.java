package dev.promptline.runtime.spring;

import io.grpc.ManagedChannel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Runs the runtime inside the application when {@code promptline.runtime.address} is empty or missing, and exposes
 * the {@code runtimeChannel} bean to it. Backs off when the address names a remote runtime (the application then
 * builds its own channel) or when the application defines {@code runtimeChannel} itself.
 */
@AutoConfiguration
@Conditional(InProcessRuntimeAutoConfiguration.NoRuntimeAddress.class)
@ConditionalOnMissingBean(name = InProcessRuntimeAutoConfiguration.CHANNEL)
public final class InProcessRuntimeAutoConfiguration {
    /** The name of the channel bean: the contract between the runtime and the application that embeds it. */
    public static final String CHANNEL = "runtimeChannel";

    static final String ADDRESS = RuntimeProperties.PREFIX + ".address";

    @Bean
    InProcessRuntime promptlineInProcessRuntime(Environment environment) {
        RuntimeProperties properties = Binder.get(environment)
                .bind(RuntimeProperties.PREFIX, RuntimeProperties.class)
                .orElseGet(() -> new RuntimeProperties(null, null, null, null, null));
        return InProcessRuntime.start(properties.toSettings());
    }

    // InProcessRuntime owns the channel and shuts it down; Spring must not infer "shutdown" as a destroy method too.
    @Bean(name = CHANNEL, destroyMethod = "")
    ManagedChannel runtimeChannel(InProcessRuntime runtime) {
        return runtime.channel();
    }

    /** Matches when no remote runtime is configured. */
    static final class NoRuntimeAddress extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String address = context.getEnvironment().getProperty(ADDRESS, "");
            return address.isBlank()
                    ? ConditionOutcome.match(ADDRESS + " is empty: the runtime runs in this process")
                    : ConditionOutcome.noMatch(ADDRESS + " is " + address + ": the runtime is remote");
        }
    }
}
