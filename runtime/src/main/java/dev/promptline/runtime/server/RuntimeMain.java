package dev.promptline.runtime.server;

import dev.promptline.runtime.AgentRuntime;
import io.grpc.BindableService;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The runtime as its own process, the sidecar: {@code java -jar promptline-runtime-exec.jar}. Configured from the
 * environment only (docs/configuration.md). SIGTERM drains running executions for {@code RUNTIME_SHUTDOWN_GRACE}
 * and exits 0; a bad setting is one line on stderr and exit code 2.
 */
public final class RuntimeMain {
    static final int EXIT_FAILED = 1;
    static final int EXIT_BAD_CONFIGURATION = 2;
    static final String LISTENING = "Promptline runtime listening on port ";

    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private RuntimeMain() {}

    public static void main(String[] args) throws InterruptedException {
        // Before the first logger exists. The sidecar's Logback setup has a name of its own, not logback.xml, so that
        // it never takes over the api's logging when the runtime jar is on the api's classpath.
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "promptline-runtime-logback.xml");
        }
        SidecarSettings settings;
        BindableService service;
        try {
            settings = SidecarSettings.fromEnvironment(System.getenv());
            service = AgentRuntime.grpcService(settings.runtime());
        } catch (IllegalArgumentException e) {
            // One line an operator can act on; a stack trace would only bury it.
            System.err.println("Promptline runtime: bad configuration: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIGURATION);
            return;
        }
        Logger log = LoggerFactory.getLogger(RuntimeMain.class);
        RuntimeServer server;
        try {
            server = RuntimeServer.start(settings.port(), service);
        } catch (IOException e) {
            log.error("Promptline runtime cannot listen on port {}: {}", settings.port(), e.getMessage());
            System.exit(EXIT_FAILED);
            return;
        }
        stopOnShutdown(server, settings.shutdownGrace());
        log.info("{}{}", LISTENING, server.port());
        server.awaitTermination();
    }

    /**
     * SIGTERM (what Kubernetes and {@code docker stop} send) drains and then exits 0: the JVM's own status after
     * SIGTERM is 143, which orchestrators and scripts read as a crash. Every other way out (Ctrl-C, SIGHUP,
     * System.exit) drains too, through the shutdown hook.
     */
    private static void stopOnShutdown(RuntimeServer server, Duration grace) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(grace), "runtime-shutdown"));
        try {
            Signal.handle(new Signal("TERM"), signal -> {
                server.stop(grace);
                System.exit(0);
            });
        } catch (IllegalArgumentException e) {
            // This platform has no SIGTERM; the shutdown hook covers its way of stopping.
        }
    }
}
