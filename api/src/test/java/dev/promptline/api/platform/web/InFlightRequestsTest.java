package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What a stopping process waits for before the web server closes every connection. */
class InFlightRequestsTest {
    private final InFlightRequests requests = new InFlightRequests();

    @Test
    void aRequestCountsUntilItsHandlerReturned() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
            try {
                requests.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), (request, response) -> {
                    entered.countDown();
                    await(release);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(requests.awaitNone(Duration.ofMillis(50))).isOne();

        release.countDown();
        answering.get(10, TimeUnit.SECONDS);
        assertThat(requests.awaitNone(Duration.ZERO)).isZero();
    }

    @Test
    void anAsyncRequestCountsUntilItCompletes() throws Exception {
        var request = new MockHttpServletRequest();
        request.setAsyncSupported(true);
        requests.doFilter(request, new MockHttpServletResponse(), (in, out) -> in.startAsync());

        assertThat(requests.awaitNone(Duration.ofMillis(50))).isOne();

        ((MockAsyncContext) request.getAsyncContext()).complete();
        assertThat(requests.awaitNone(Duration.ZERO)).isZero();
    }

    @Test
    void aFailedRequestNoLongerCounts() throws Exception {
        assertThatThrownBy(() -> requests.doFilter(
                        new MockHttpServletRequest(), new MockHttpServletResponse(), (request, response) -> {
                            throw new IllegalStateException("the handler failed");
                        }))
                .hasMessage("the handler failed");

        assertThat(requests.awaitNone(Duration.ZERO)).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
