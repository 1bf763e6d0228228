package dev.promptline.runtime.llm;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LangChain4j's HTTP client seam, implemented on the JDK client. It is ours rather than LangChain4j's JDK client for
 * three things that one lacks: the attempt's cancellation aborts the exchange at any point, also before the response
 * headers arrive (closing the connection, so the provider stops generating); an error status keeps its Retry-After
 * header; and the address guard runs before every request.
 *
 * <p>One instance serves every model and every call, so models can be built once and kept: what belongs to one
 * attempt (its cancellation, its secret, its open exchanges) is bound with {@link #within} around the model call.
 * LangChain4j sends the request on the calling thread, where the binding is visible.
 */
final class ProviderHttpClient implements HttpClient {
    private static final Logger log = LoggerFactory.getLogger(ProviderHttpClient.class);
    private static final ScopedValue<Attempt> ATTEMPT = ScopedValue.newInstance();

    /** Enough of an error body to show the provider's message; the rest is not read. */
    private static final int ERROR_BODY_LIMIT = 8 * 1024;

    private final java.net.http.HttpClient http;
    private final AddressGuard guard;

    ProviderHttpClient(java.net.http.HttpClient http, AddressGuard guard) {
        this.http = requireNonNull(http, "http is null");
        this.guard = requireNonNull(guard, "guard is null");
    }

    /**
     * What one attempt brings to the shared client.
     *
     * @param streamEnded runs once an event stream has been read to its end and handed to the listener; a model that
     *     has not settled its answer by then never will
     */
    static final class Attempt {
        private final Cancellation cancellation;
        private final @Nullable String secret;
        private final Runnable streamEnded;
        private final Set<Runnable> inFlight = ConcurrentHashMap.newKeySet();

        Attempt(Cancellation cancellation, @Nullable String secret, Runnable streamEnded) {
            this.cancellation = requireNonNull(cancellation, "cancellation is null");
            this.secret = secret;
            this.streamEnded = requireNonNull(streamEnded, "streamEnded is null");
        }

        /**
         * Aborts whatever this attempt still has open. Called when the attempt is settled, so that a stream which
         * failed part-way (a malformed event, say) is not read any further and its connection is closed.
         */
        void abort() {
            inFlight.forEach(Runnable::run);
        }
    }

    /** Runs a model call whose requests belong to the attempt. */
    static void within(Attempt attempt, Runnable modelCall) {
        ScopedValue.where(ATTEMPT, attempt).run(modelCall);
    }

    private static Attempt attempt() {
        if (!ATTEMPT.isBound()) {
            // A LangChain4j upgrade that sends from another thread would land here rather than lose the cancellation.
            throw new IllegalStateException("A provider request outside an attempt");
        }
        return ATTEMPT.get();
    }

    /** Hands this client to a LangChain4j model builder, which asks for a builder. */
    HttpClientBuilder asBuilder() {
        return new HttpClientBuilder() {
            @Override
            public @Nullable Duration connectTimeout() {
                return null;
            }

            @Override
            public HttpClientBuilder connectTimeout(Duration timeout) {
                return this; // the shared JDK client's connect timeout applies
            }

            @Override
            public @Nullable Duration readTimeout() {
                return null;
            }

            @Override
            public HttpClientBuilder readTimeout(Duration timeout) {
                return this; // bounded by the first-token timeout and the deadline instead
            }

            @Override
            public HttpClient build() {
                return ProviderHttpClient.this;
            }
        };
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        Attempt attempt = attempt();
        Cancellation cancellation = attempt.cancellation;
        var exchange = send(request, HttpResponse.BodyHandlers.ofByteArray(), cancellation);
        try (var registration = cancellation.onCancel(() -> exchange.cancel(true))) {
            HttpResponse<byte[]> response = exchange.get();
            if (!isSuccessful(response)) {
                throw ProviderErrors.forStatus(
                        response.statusCode(), retryAfter(response), text(response.body()), attempt.secret);
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .body(response.body())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancellation.isCancelled() ? cancellation.toException() : ProviderErrors.classify(e, attempt.secret);
        } catch (ExecutionException | RuntimeException e) {
            throw cancellation.isCancelled() ? cancellation.toException() : ProviderErrors.classify(e, attempt.secret);
        }
    }

    /**
     * Streams the provider's events to the listener: LangChain4j's parser reads the body on a virtual thread of its
     * own, since it blocks until each chunk arrives.
     */
    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        Attempt attempt = attempt();
        Cancellation cancellation = attempt.cancellation;
        CompletableFuture<HttpResponse<InputStream>> exchange;
        try {
            exchange = send(request, HttpResponse.BodyHandlers.ofInputStream(), cancellation);
        } catch (ModelCallException e) {
            listener.onError(e);
            return;
        }
        // Cancelling the future aborts a request still waiting for its headers; closing the body aborts a stream
        // being read (and does nothing to one read to its end, whose connection has gone back to the pool).
        Runnable abort = () -> {
            exchange.cancel(true);
            exchange.thenAccept(response -> closeQuietly(response.body()));
        };
        attempt.inFlight.add(abort);
        var registration = cancellation.onCancel(abort);
        // On a virtual thread of its own: the body is read blocking, which must not hold the thread that completed
        // the exchange (one of the HTTP client's, or the common pool, where at most ~256 such reads run at once).
        exchange.whenComplete((response, failure) -> Thread.startVirtualThread(() -> {
            try (registration) {
                if (failure != null) {
                    listener.onError(cancellation.isCancelled() ? cancellation.toException() : failure);
                } else if (!isSuccessful(response)) {
                    listener.onError(ProviderErrors.forStatus(
                            response.statusCode(), retryAfter(response), readError(response.body()), attempt.secret));
                } else {
                    listener.onOpen(SuccessfulHttpResponse.builder()
                            .statusCode(response.statusCode())
                            .headers(response.headers().map())
                            .build());
                    var failFast = new FailFastListener(listener);
                    try (InputStream body = response.body()) {
                        parser.parse(body, failFast);
                    }
                    if (!failFast.failed) {
                        listener.onClose();
                    }
                    attempt.streamEnded.run();
                }
            } catch (IOException | RuntimeException e) {
                listener.onError(cancellation.isCancelled() ? cancellation.toException() : e);
            } finally {
                attempt.inFlight.remove(abort);
            }
        }));
    }

    private <T> CompletableFuture<HttpResponse<T>> send(
            HttpRequest request, HttpResponse.BodyHandler<T> body, Cancellation cancellation) {
        URI url = URI.create(request.url());
        guard.check(url);
        if (cancellation.isCancelled()) {
            throw cancellation.toException();
        }
        var builder = java.net.http.HttpRequest.newBuilder(url)
                .method(request.method().name(), bodyOf(request))
                // Plain-http servers (Ollama, vLLM) get HTTP/1.1: the JDK's h2c upgrade attempt confuses some of them.
                .version(
                        url.getScheme().equalsIgnoreCase("http")
                                ? java.net.http.HttpClient.Version.HTTP_1_1
                                : java.net.http.HttpClient.Version.HTTP_2);
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        return http.sendAsync(builder.build(), body);
    }

    private static java.net.http.HttpRequest.BodyPublisher bodyOf(HttpRequest request) {
        return request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body());
    }

    private static boolean isSuccessful(HttpResponse<?> response) {
        return isSuccessful(response.statusCode());
    }

    private static boolean isSuccessful(int status) {
        return status >= 200 && status < 300;
    }

    private static @Nullable Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("retry-after")
                .map(ProviderErrors::parseRetryAfter)
                .orElse(null);
    }

    private static String readError(InputStream body) {
        try (body) {
            return text(body.readNBytes(ERROR_BODY_LIMIT));
        } catch (IOException e) {
            return "(the error body could not be read: " + e.getMessage() + ")";
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, 0, Math.min(bytes.length, ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
    }

    /**
     * Ends the stream at the first event the model cannot handle. LangChain4j's parser swallows what its listeners
     * throw, so an Anthropic event that is not JSON would be skipped and its text silently missing from the output.
     */
    private static final class FailFastListener implements ServerSentEventListener {
        private final ServerSentEventListener delegate;
        volatile boolean failed;

        FailFastListener(ServerSentEventListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            if (failed) {
                return;
            }
            try {
                delegate.onEvent(event, context);
            } catch (RuntimeException e) {
                failed = true;
                context.parsingHandle().cancel();
                delegate.onError(e);
            }
        }

        @Override
        public void onError(Throwable error) {
            failed = true;
            delegate.onError(error);
        }

        @Override
        public void onClose() {
            delegate.onClose();
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // The stream is being thrown away; a failure to close it cleanly changes nothing.
            log.debug("Closing an aborted provider stream failed", e);
        }
    }
}
