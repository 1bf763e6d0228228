import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The issue-19 experiment figures, against a running service: (1) one experiment of ITEMS items at concurrency 16
 * against a fake provider that answers every request after PROVIDER_DELAY, timed from the 202 to its finishedAt;
 * (2) the added latency of live executions (closed loop of LIVE_CLIENTS clients, LIVE_SECONDS seconds) alone, then
 * while two such experiments run at once. Run by bench/experiment-load.sh, which starts the service.
 * Arguments: service URL, API key.
 */
public class ExperimentLoad {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    static String service;
    static String key;

    public static void main(String[] args) throws Exception {
        service = args[0];
        key = args[1];
        int items = Integer.parseInt(System.getenv().getOrDefault("ITEMS", "1000"));
        Duration delay = Duration.ofMillis(Long.parseLong(System.getenv().getOrDefault("PROVIDER_DELAY_MS", "300")));
        int liveClients = Integer.parseInt(System.getenv().getOrDefault("LIVE_CLIENTS", "4"));
        int liveSeconds = Integer.parseInt(System.getenv().getOrDefault("LIVE_SECONDS", "15"));
        try (FakeProvider provider = FakeProvider.openAi()) {
            provider.keepRequests(false);
            provider.setDefault(Reply.stream("ok").firstTokenAfter(delay));
            String model = field(post("/api/v1/models", """
                    {"provider":"openai","name":"fake","providerModelId":"gpt-test","baseUrl":"%s",\
                    "credential":{"envVar":"PROMPTLINE_BENCH_PROVIDER_KEY"}}""".formatted(provider.baseUrl()), 201), "id");
            String prompt = field(post("/api/v1/prompts", """
                    {"name":"bench","modelId":"%s","template":{"format":"text","text":"{{q}}"}}""".formatted(model), 201), "id");
            var itemJson = new ArrayList<String>();
            for (int i = 0; i < items; i++) {
                itemJson.add("{\"input\":{\"q\":\"question " + i + "\"},\"expectedOutput\":\"ok\"}");
            }
            String dataset = field(post("/api/v1/datasets",
                    "{\"name\":\"bench\",\"items\":[" + String.join(",", itemJson) + "]}", 201), "id");
            String evaluator = field(post("/api/v1/evaluators",
                    "{\"name\":\"exact\",\"type\":\"exact_match\",\"config\":{}}", 201), "id");
            String experiment = "{\"promptId\":\"%s\",\"datasetId\":\"%s\",\"evaluators\":[{\"evaluatorId\":\"%s\"}],\"concurrency\":16}"
                    .formatted(prompt, dataset, evaluator);

            // Warm-up: a short experiment, and some live executions.
            live(prompt, liveClients, 5);

            // (1) One experiment of `items` at concurrency 16.
            double ideal = items * delay.toMillis() / 1000.0 / 16;
            long start = System.nanoTime();
            String id = field(post("/api/v1/experiments", experiment, 202), "id");
            JsonNode ended = awaitEnded(id);
            double wall = (System.nanoTime() - start) / 1e9;
            double server = Duration.between(Instant.parse(ended.get("createdAt").asText()),
                    Instant.parse(ended.get("finishedAt").asText())).toMillis() / 1000.0;
            System.out.printf("one experiment: %d items, concurrency 16, provider %d ms: %.2f s from POST to completed"
                            + " (server: %.2f s from created to finished); ideal %.2f s; %+.1f%%; status %s, %s%n",
                    items, delay.toMillis(), wall, server, ideal, (wall / ideal - 1) * 100,
                    ended.get("status").asText(), ended.get("runs"));

            // (2) Live executions' added latency, alone and with two experiments running.
            List<Long> alone = live(prompt, liveClients, liveSeconds);
            String a = field(post("/api/v1/experiments", experiment, 202), "id");
            String b = field(post("/api/v1/experiments", experiment, 202), "id");
            Thread.sleep(1000);
            List<Long> busy = live(prompt, liveClients, liveSeconds);
            boolean stillRunning = !status(a).equals("completed") && !status(b).equals("completed");
            awaitEnded(a);
            awaitEnded(b);
            report("live alone", alone, delay.toMillis());
            report("live with two experiments" + (stillRunning ? "" : " (one ended before the loop did)"), busy,
                    delay.toMillis());
            double addedAlone = mean(alone) - delay.toMillis();
            double addedBusy = mean(busy) - delay.toMillis();
            System.out.printf("added latency (mean - provider delay): alone %.1f ms, with two experiments %.1f ms (%+.0f%%)%n",
                    addedAlone, addedBusy, (addedBusy / addedAlone - 1) * 100);
        }
    }

    static List<Long> live(String prompt, int clients, int seconds) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                executor.submit(() -> {
                    while (!stop.get()) {
                        long t = System.nanoTime();
                        post("/api/v1/prompts/" + prompt + "/execute", "{\"variables\":{\"q\":\"live\"}}", 200);
                        latencies.add((System.nanoTime() - t) / 1_000_000);
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
        }
        return latencies;
    }

    static void report(String name, List<Long> latencies, long delay) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("%s: %d executions, mean %.1f ms, p50 %d ms, p95 %d ms, p99 %d ms%n", name, sorted.size(),
                mean(sorted), sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.95)),
                sorted.get((int) (sorted.size() * 0.99)));
    }

    static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
    }

    static String status(String id) throws Exception {
        return JSON.readTree(get("/api/v1/experiments/" + id)).get("status").asText();
    }

    static JsonNode awaitEnded(String id) throws Exception {
        for (int i = 0; i < 36000; i++) {
            JsonNode experiment = JSON.readTree(get("/api/v1/experiments/" + id));
            String status = experiment.get("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                return experiment;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("experiment " + id + " did not end");
    }

    static String get(String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(service + path)).header("Authorization", "Bearer " + key).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    static String post(String path, String body, int expected) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(service + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String field(String json, String name) throws Exception {
        return JSON.readTree(json).get(name).asText();
    }
}
