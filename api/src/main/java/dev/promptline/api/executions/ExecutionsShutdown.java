package dev.promptline.api.executions;

import dev.promptline.api.platform.web.InFlightRequests;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Ends the executions still running when the web server's graceful drain (SHUTDOWN_GRACE_PERIOD) gave up, while the
 * web server, the database pool and the runtime channel are all still there: each is stopped as {@code shutdown}
 * (failed, not cancelled: nobody cancelled it), keeps its output and usage so far, and its client gets the record or
 * a {@code failed} event before the server closes the connection: after the executions, it waits for the requests that
 * ran them to return their answers (the web server's stop closes every connection at once). Without this, depending on which part stopped first,
 * records stayed running (the process exited), or ended as the runtime being unavailable or the client having left.
 *
 * <p>Spring stops lifecycle beans by phase, highest first: the graceful drain runs at {@code DEFAULT_PHASE - 1024} and
 * the web server stops at {@code DEFAULT_PHASE - 2048}; this runs between them.
 */
@Component
class ExecutionsShutdown implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ExecutionsShutdown.class);
    /**
     * Long enough to finish a few thousand records and write their answers; the runtime calls are cancelled already,
     * so nothing else waits.
     */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RunningExecutions running;
    private final InFlightRequests requests;
    private volatile boolean started;

    ExecutionsShutdown(RunningExecutions running, InFlightRequests requests) {
        this.running = running;
        this.requests = requests;
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        long start = System.nanoTime();
        try {
            int left = running.shutDownAll(WAIT);
            if (left > 0) {
                log.warn("{} execution(s) still unfinished {} after the shutdown stopped them", left, WAIT);
            }
            int answering = requests.awaitNone(WAIT.minusNanos(System.nanoTime() - start));
            if (answering > 0) {
                log.warn(
                        "{} request(s) still unanswered {} after the shutdown stopped their executions",
                        answering,
                        WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1536;
    }
}
