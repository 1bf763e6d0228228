package dev.promptline.api.executions;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing runtime into Spring Boot's short "APPLICATION FAILED TO START" report instead of a stack trace. */
final class RuntimeNotConfiguredFailureAnalyzer extends AbstractFailureAnalyzer<RuntimeNotConfiguredException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RuntimeNotConfiguredException cause) {
        return new FailureAnalysis(
                "No agent runtime to execute prompts: RUNTIME_ADDRESS is empty and the in-process runtime "
                        + "(promptline-runtime) is not on the classpath.",
                "Set RUNTIME_ADDRESS to the runtime's gRPC address, e.g. localhost:9090 for a sidecar in the same pod "
                        + "or dns:///promptline-runtime:9090, or run the build that includes the in-process runtime.",
                cause);
    }
}
