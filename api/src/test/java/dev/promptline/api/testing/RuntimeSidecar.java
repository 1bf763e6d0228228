package dev.promptline.api.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent runtime as its own process, the production sidecar: {@code RuntimeMain} from the test classpath, started
 * by its class's name, so api tests never import a runtime class.
 */
public final class RuntimeSidecar {
    private static final String MAIN = "dev.promptline.runtime.server.RuntimeMain";
    private static final String LISTENING = "Promptline runtime listening on port ";

    private RuntimeSidecar() {}

    /** Starts the runtime on {@code port} with the extra environment and waits until it listens. */
    public static ServiceProcess start(int port, Map<String, String> environment) {
        var env = new HashMap<>(environment);
        env.put("RUNTIME_PORT", String.valueOf(port));
        env.putIfAbsent("RUNTIME_SHUTDOWN_GRACE", "5s");
        var process =
                ServiceProcess.start(ServiceProcess.javaCommand(List.of(), ServiceProcess.testClasspath(), MAIN), env);
        process.awaitOutput(LISTENING + port, Duration.ofSeconds(30));
        return process;
    }
}
