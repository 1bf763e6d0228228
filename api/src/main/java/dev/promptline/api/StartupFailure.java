package dev.promptline.api;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.web.server.PortInUseException;

/**
 * The exit code of a service or command that failed to start, so that a script or an orchestrator can tell a bad
 * setting from a database that refused or a port in use (codes from sysexits.h, listed in docs/runbooks/operations.md).
 * Promptline's own start-up exceptions name their code ({@link WithExitCode}); the report itself is a failure
 * analyzer's short text.
 */
public final class StartupFailure {
    /** EX_CONFIG: a setting has a value that cannot be used. */
    static final int BAD_SETTING = 78;
    /** EX_TEMPFAIL: the port is taken, perhaps by an instance that is still stopping. */
    static final int PORT_IN_USE = 75;

    private StartupFailure() {}

    /**
     * A start-up exception that knows its exit code. Not Spring Boot's ExitCodeGenerator: Boot would publish an event
     * on the half-built context to report it, which fails and logs a second, long stack trace.
     */
    public interface WithExitCode {
        int exitCode();
    }

    static int exitCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WithExitCode coded) {
                return coded.exitCode();
            }
            if (cause instanceof BindException) {
                return BAD_SETTING;
            }
            if (cause instanceof PortInUseException) {
                return PORT_IN_USE;
            }
        }
        return 1;
    }
}
