package dev.promptline.api.executions;

import dev.promptline.api.StartupFailure;

/** Neither a remote runtime (RUNTIME_ADDRESS) nor the in-process one (the promptline-runtime jar) is available. */
final class RuntimeNotConfiguredException extends IllegalStateException implements StartupFailure.WithExitCode {
    private static final long serialVersionUID = 1L;

    RuntimeNotConfiguredException() {
        super("No agent runtime: RUNTIME_ADDRESS is empty and the in-process runtime is not on the classpath. "
                + "Set RUNTIME_ADDRESS to the runtime's gRPC address, e.g. localhost:9090.");
    }

    /** EX_OSFILE from sysexits.h: a part of the service is missing. */
    @Override
    public int exitCode() {
        return 72;
    }
}
