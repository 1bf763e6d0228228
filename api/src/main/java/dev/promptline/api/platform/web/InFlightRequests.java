package dev.promptline.api.platform.web;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The requests this process is answering. A stopping process waits for them after it ended its last executions
 * (ExecutionsShutdown), because the web server's stop closes every connection at once: an answer still being written
 * then would reach its client cut short. A request counts until its handler returned, or its async processing
 * completed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InFlightRequests extends OncePerRequestFilter {
    private static final Duration POLL = Duration.ofMillis(10);

    private final AtomicInteger answering = new AtomicInteger();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        answering.incrementAndGet();
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Completion());
            } else {
                answering.decrementAndGet();
            }
        }
    }

    /** Waits up to {@code wait} until no request is being answered; the number still answered then. */
    public int awaitNone(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (answering.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
        }
        return answering.get();
    }

    /** Called once whichever way an async request ends (completed, timed out or failed). */
    private final class Completion implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            answering.decrementAndGet();
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }
}
