package dev.promptline.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Server-Sent Events read as a browser would, one event at a time; closing it drops the connection. */
public final class EventStream implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event: its name and its JSON data. */
    public record Event(String name, JsonNode data) {}

    private final HttpResponse<InputStream> response;
    private final BufferedReader reader;

    private EventStream(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** Posts {@code json} to {@code path} asking for an event stream, and checks that one started. */
    public static EventStream open(Http http, String path, String json, String bearer, String... headers) {
        var request = http.request(path)
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            var stream = new EventStream(response);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Subscribes to the event stream at {@code path} with a GET, and checks that one started. */
    public static EventStream get(Http http, String path, String bearer) {
        var request = http.request(path)
                .header("Authorization", bearer)
                .header("Accept", "text/event-stream")
                .GET();
        try {
            var response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            var stream = new EventStream(response);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A header of the response, if it has it. */
    public java.util.Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    /** The next event, skipping comments (heartbeats); null at the end of the stream. */
    public @Nullable Event next() {
        try {
            String name = null;
            var data = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    if (name != null) {
                        return new Event(name, JSON.readTree(data.toString()));
                    }
                } else if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring("data: ".length()));
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event, which must come. */
    public Event require() {
        Event event = next();
        assertThat(event).as("an event before the end of the stream").isNotNull();
        return event;
    }

    /** Every event up to the end of the stream. */
    public List<Event> rest() {
        var events = new ArrayList<Event>();
        for (Event event = next(); event != null; event = next()) {
            events.add(event);
        }
        return events;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
