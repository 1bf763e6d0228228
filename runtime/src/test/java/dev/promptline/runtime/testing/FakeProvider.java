package dev.promptline.runtime.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake OpenAI or Anthropic endpoint: an HTTP/1.1 server on 127.0.0.1 (ephemeral port, one virtual thread per
 * connection, keep-alive) that answers each completion request with the next scripted {@link Reply}, records every
 * request and notices when a client closes its connection before the answer is complete.
 *
 * <p>A {@link Reply.Stream} is sent as an event stream when the request asks for one ({@code "stream": true}, as
 * every LangChain4j streaming model sends), and otherwise as the provider's one JSON body with the tokens joined
 * (a plain {@code chat.completion} or {@code message}), after the time the stream would have taken.
 */
public final class FakeProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FakeProvider.class);
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"\\\\]*)\"");
    /**
     * A request that asks for a stream. Inside a JSON string the quotes are escaped, so a prompt that mentions
     * {@code "stream": true} does not match.
     */
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    /** Room for a thousand clients connecting at once; the default of 50 drops connections under a load test. */
    private static final int BACKLOG = 1024;

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(50);

    private final Dialect dialect;
    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Map<Integer, CompletableFuture<Long>> clientCloses = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requestCount = new AtomicInteger();
    private volatile boolean keepRequests = true;
    private volatile Reply defaultReply = Reply.stream("Hello", " from", " the", " fake", " provider");
    private volatile Consumer<StreamTiming> streamTimings = timing -> {};
    private volatile boolean closed;
    private volatile Gate gate = new Gate(new CountDownLatch(0), Duration.ZERO);

    /** Answers wait until the latch is open or the time has passed. */
    private record Gate(CountDownLatch latch, Duration atMost) {}

    private FakeProvider(Dialect dialect) {
        this.dialect = dialect;
        try {
            this.serverSocket = new ServerSocket(0, BACKLOG, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptLoop);
    }

    /** A fake OpenAI answering POST {@code /v1/chat/completions}. */
    public static FakeProvider openAi() {
        return new FakeProvider(new OpenAiDialect());
    }

    /** A fake Anthropic answering POST {@code /v1/messages}. */
    public static FakeProvider anthropic() {
        return new FakeProvider(new AnthropicDialect());
    }

    /** The base URL for the LangChain4j model builders, {@code /v1} included. */
    public String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + "/v1";
    }

    /** Queues replies, each used by one completion request, in order, before falling back to the default. */
    public void enqueue(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /** The reply used when the queue is empty; initially a stream of "Hello from the fake provider". */
    public void setDefault(Reply reply) {
        defaultReply = reply;
    }

    /**
     * Drops every queued reply and sets the default: what a test shared with others calls before it starts. A reply
     * queued by an earlier test is left over when that test's request never reached the provider (its execution
     * timed out before the connection was made, on a loaded machine), and would otherwise answer this test's request.
     */
    public void reset(Reply defaultReply) {
        script.clear();
        setDefault(defaultReply);
    }

    /**
     * Every request received so far, completion or not, in arrival order; indexes match the other methods as long as
     * every request was kept ({@link #keepRequests}).
     */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Requests received so far, kept or not. */
    public int requestCount() {
        return requestCount.get();
    }

    /**
     * Whether requests received from now on are kept for {@link #requests()} (initially true). A load test that sends
     * tens of thousands of requests a second turns it off, so that they do not fill its heap; they are still counted
     * and timed.
     */
    public void keepRequests(boolean keep) {
        keepRequests = keep;
    }

    /**
     * When each streamed answer's moments happened on the provider's side, as {@link System#nanoTime()}, so a client
     * in the same JVM can tell the time its path adds from the time the provider took.
     *
     * @param received when the whole request had been read
     * @param firstToken just before the first token's chunk was written (a whole answer: its body); 0 when the
     *     answer had no token
     * @param ending just before the events after the last token were written (a whole answer: its body)
     */
    public record StreamTiming(RecordedRequest request, long received, long firstToken, long ending) {}

    /**
     * Called on the connection's thread for every streamed answer, before its ending is written, so the timing is
     * there by the time the client sees the end, and for every whole (non-streamed) answer before its body is
     * written. Not called for an answer cut short (a drop).
     */
    public void onStreamTiming(Consumer<StreamTiming> listener) {
        streamTimings = listener;
    }

    /**
     * Answers nothing until {@code requests} more requests have arrived (or {@code atMost} has passed), so that a test
     * knows they were all open at once.
     */
    public void holdAnswersUntil(int requests, Duration atMost) {
        gate = new Gate(new CountDownLatch(requests), atMost);
    }

    /** How many TCP connections clients have opened, to check connection reuse. */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * Completes with the {@link System#nanoTime()} at which the server noticed that the client closed or reset the
     * connection of request {@code requestIndex} before its answer was complete. Never completes otherwise. May be
     * called before the request arrives.
     */
    public CompletableFuture<Long> clientClosed(int requestIndex) {
        return clientCloses.computeIfAbsent(requestIndex, index -> new CompletableFuture<>());
    }

    public boolean clientAbortedDuringResponse(int requestIndex) {
        return clientClosed(requestIndex).isDone();
    }

    /** Stops accepting and closes every open connection, mid-answer or idle. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        openSockets.forEach(FakeProvider::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Fake provider threads did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed || serverSocket.isClosed()) {
                    return;
                }
                // Out of file descriptors ("Too many open files") under a load test, say: the connection waits in
                // the backlog, and the server accepts again once a descriptor is free instead of never again.
                log.warn("Fake provider could not accept a connection: {}", e.toString());
                try {
                    TimeUnit.MILLISECONDS.sleep(ACCEPT_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    return; // closing
                }
                continue;
            }
            connections.incrementAndGet();
            openSockets.add(socket);
            if (closed) {
                closeQuietly(socket);
            }
            threads.execute(() -> serve(socket));
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            HttpConnection connection = new HttpConnection(socket);
            boolean keepAlive = true;
            while (keepAlive && !closed) {
                RecordedRequest request = connection.readRequest();
                if (request == null) {
                    return;
                }
                long receivedAt = System.nanoTime();
                int index = record(request);
                try {
                    keepAlive = answer(connection, request, index, receivedAt)
                            && !"close".equalsIgnoreCase(request.header("connection"));
                } catch (IOException clientGone) {
                    long noticedAt = System.nanoTime();
                    if (!closed) {
                        clientClosed(index).complete(noticedAt);
                    }
                    return;
                }
            }
        } catch (IOException _) {
            // The client went away between requests or sent something that is not HTTP: drop the connection.
        } catch (RuntimeException e) {
            log.warn("Fake provider failed on a connection", e);
        } finally {
            openSockets.remove(socket);
        }
    }

    private int record(RecordedRequest request) {
        gate.latch().countDown();
        if (!keepRequests) {
            return requestCount.getAndIncrement();
        }
        synchronized (requests) {
            requests.add(request);
            return requestCount.getAndIncrement();
        }
    }

    /** Answers one request; false when the reply leaves the connection closed. */
    private boolean answer(HttpConnection connection, RecordedRequest request, int index, long receivedAt)
            throws IOException {
        int query = request.path().indexOf('?');
        String path = query < 0 ? request.path() : request.path().substring(0, query);
        if (!request.method().equals("POST") || !path.equals(dialect.path())) {
            return sendStatus(connection, Reply.status(404));
        }
        Gate held = gate;
        try {
            held.latch().await(held.atMost().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("The fake provider is closing");
        }
        Reply next = script.poll();
        return switch (next == null ? defaultReply : next) {
            case Reply.Stream stream ->
                STREAM.matcher(request.body()).find()
                        ? sendStream(connection, stream, request, index, receivedAt)
                        : sendCompletion(connection, stream, request, index, receivedAt);
            case Reply.Status status -> sendStatus(connection, status);
            case Reply.HangUp _ -> false;
        };
    }

    private Dialect.Message message(RecordedRequest request, int index, Reply.Stream stream) {
        Matcher model = MODEL.matcher(request.body());
        return new Dialect.Message(
                (dialect instanceof OpenAiDialect ? "chatcmpl-" : "msg_") + (index + 1),
                model.find() ? model.group(1) : "fake-model",
                Instant.now().getEpochSecond(),
                stream.inputTokens());
    }

    private boolean sendStream(
            HttpConnection connection, Reply.Stream stream, RecordedRequest request, int index, long receivedAt)
            throws IOException {
        Dialect.Message message = message(request, index, stream);
        long firstTokenAt = 0;
        connection.pause(stream.firstTokenAfter());
        connection.writeHead(
                200,
                Map.of(
                        "Content-Type", "text/event-stream; charset=utf-8",
                        "Transfer-Encoding", "chunked",
                        "Cache-Control", "no-cache"));
        for (String event : dialect.preamble(message)) {
            connection.writeChunk(event);
        }
        List<String> tokens = stream.tokens();
        for (int sent = 0; ; sent++) {
            if (sent == stream.malformedAfter()) {
                connection.writeChunk(dialect.malformedEvent());
            }
            boolean drop = sent == stream.dropAfter();
            if (sent == tokens.size() && !drop) {
                break;
            }
            if (sent > 0) {
                connection.pause(stream.tokenInterval());
            }
            if (drop) {
                return false;
            }
            if (sent == 0) {
                firstTokenAt = System.nanoTime();
            }
            connection.writeChunk(dialect.tokenEvent(message, tokens.get(sent).replace(Reply.MODEL, message.model())));
        }
        streamTimings.accept(new StreamTiming(request, receivedAt, firstTokenAt, System.nanoTime()));
        for (String event : dialect.ending(message, stream)) {
            connection.writeChunk(event);
        }
        connection.endChunks();
        return true;
    }

    /**
     * The whole answer as one JSON body, sent when the stream would have ended ({@code firstTokenAfter}, then a
     * {@code tokenInterval} per further token); its timing has the first token and the ending at the moment the body
     * is written. The stream's failure modes keep their meaning: {@code dropAfter} sends the head and half the body,
     * then closes the connection; {@code malformedAfter} sends the body cut off mid-object (with a matching
     * {@code Content-Length}); {@code finishWithLength} sets the length finish reason.
     */
    private boolean sendCompletion(
            HttpConnection connection, Reply.Stream stream, RecordedRequest request, int index, long receivedAt)
            throws IOException {
        Dialect.Message message = message(request, index, stream);
        List<String> tokens = stream.tokens();
        int generated =
                stream.dropAfter() == Reply.Stream.NEVER ? tokens.size() : Math.min(stream.dropAfter(), tokens.size());
        connection.pause(
                stream.firstTokenAfter().plus(stream.tokenInterval().multipliedBy(Math.max(0, generated - 1))));
        StringBuilder text = new StringBuilder();
        for (String token : tokens) {
            text.append(token.replace(Reply.MODEL, message.model()));
        }
        byte[] body = dialect.completion(message, text.toString(), stream).getBytes(UTF_8);
        if (stream.malformedAfter() != Reply.Stream.NEVER) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        connection.writeHead(
                200, Map.of("Content-Type", "application/json", "Content-Length", Integer.toString(body.length)));
        if (stream.dropAfter() != Reply.Stream.NEVER) {
            connection.writeBody(Arrays.copyOf(body, body.length / 2));
            return false;
        }
        long writtenAt = System.nanoTime();
        streamTimings.accept(new StreamTiming(request, receivedAt, writtenAt, writtenAt));
        connection.writeBody(body);
        return true;
    }

    private boolean sendStatus(HttpConnection connection, Reply.Status status) throws IOException {
        String body = status.body() != null ? status.body() : dialect.errorBody(status.code());
        byte[] bytes = body.getBytes(UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", Integer.toString(bytes.length));
        headers.putAll(status.headers());
        connection.writeHead(status.code(), headers);
        connection.writeBody(bytes);
        return true;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception _) {
            // Closing is best effort.
        }
    }
}
