package dev.promptline.api.executions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps execution records from staying open forever. This process is known by its host and port (the pod name in a
 * cluster); on start it fails what it left unfinished when it stopped, and every few seconds any replica fails what is
 * unfinished past its deadline plus a grace, whoever ran it: a replica that vanished cannot do it for itself.
 */
@Component
class ExecutionRunner {
    private static final Logger log = LoggerFactory.getLogger(ExecutionRunner.class);

    private final ExecutionRecords executions;
    private final ExecutionProperties properties;
    private volatile String id = hostName();
    private volatile boolean leftoversClosed;

    ExecutionRunner(ExecutionRecords executions, ExecutionProperties properties) {
        this.executions = executions;
        this.properties = properties;
    }

    /** Who runs an execution, written on its record. */
    String id() {
        return id;
    }

    @EventListener
    void onStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return; // the management server
        }
        id = hostName() + ":" + event.getWebServer().getPort();
        closeLeftovers();
    }

    /** Once per process; retried by the sweep while the database does not answer (or is not migrated yet). */
    private void closeLeftovers() {
        try {
            int abandoned = executions.abandonOfRunner(id, "The API process running it stopped before it ended");
            leftoversClosed = true;
            if (abandoned > 0) {
                log.warn(
                        "Failed {} execution(s) that this process ({}) left unfinished when it stopped", abandoned, id);
            }
        } catch (RuntimeException e) {
            log.warn("Could not yet close the executions this process left unfinished: {}", e.getMessage());
        }
    }

    @Scheduled(
            fixedDelayString = "${promptline.executions.sweep-interval:60s}",
            initialDelayString = "${promptline.executions.sweep-interval:60s}")
    void sweep() {
        if (!leftoversClosed) {
            closeLeftovers();
        }
        try {
            int abandoned = executions.abandonPastDeadline(
                    Instant.now().minus(properties.sweepGrace()),
                    "Unfinished long after its deadline: its runner stopped, or could not record the outcome");
            if (abandoned > 0) {
                log.warn("Failed {} execution(s) left unfinished past their deadline", abandoned);
            }
        } catch (RuntimeException e) {
            log.warn("The execution sweep failed and runs again later: {}", e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
