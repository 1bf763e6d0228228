package dev.promptline.api.experiments;

import dev.promptline.api.platform.tenancy.OrganizationId;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment's progress as Server-Sent Events: {@code progress} (the experiment with its run counts) first, so a
 * late subscriber starts from the current state, then again whenever the counts change; {@code run} as each run
 * ends; and, once the experiment has ended, {@code summary} (what {@code GET …/summary} answers), after which the
 * stream closes.
 *
 * <p>The stream reads PostgreSQL, where the runs are recorded, every {@link #POLL}: runs end on whichever replica
 * claimed them, and the database is what every replica agrees on. It costs one small indexed query per subscriber
 * per poll, and needs no broker.
 */
@Component
class ExperimentEvents {
    static final Duration POLL = Duration.ofMillis(500);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final ExperimentService experiments;
    private final ExperimentRepository repository;
    private final JsonMapper json;

    ExperimentEvents(ExperimentService experiments, ExperimentRepository repository, JsonMapper json) {
        this.experiments = experiments;
        this.repository = repository;
        this.json = json;
    }

    void stream(OrganizationId organizationId, ExperimentId id, HttpServletResponse response) throws IOException {
        Experiment experiment = experiments.get(organizationId, id); // a 404 before the stream starts
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        OutputStream out = response.getOutputStream();
        Instant since = repository.lastFinishedAt(organizationId, id);
        event(out, "progress", ExperimentController.ExperimentResponse.from(experiment));
        Experiment.Counts shown = experiment.counts();
        long lastWrite = System.nanoTime();
        while (true) {
            List<ExperimentRun> ended = repository.finishedSince(organizationId, id, since);
            for (ExperimentRun run : ended) {
                event(out, "run", run(run));
                since = run.finishedAt() == null ? since : run.finishedAt();
            }
            experiment = experiments.get(organizationId, id);
            if (!experiment.counts().equals(shown)) {
                event(out, "progress", ExperimentController.ExperimentResponse.from(experiment));
                shown = experiment.counts();
                lastWrite = System.nanoTime();
            }
            if (experiment.status().isTerminal() && experiment.counts().running() == 0 && ended.isEmpty()) {
                event(out, "summary", experiments.summary(organizationId, id));
                return;
            }
            if (!ended.isEmpty()) {
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite >= HEARTBEAT.toNanos()) {
                write(out, ": keep-alive\n\n");
                lastWrite = System.nanoTime();
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Map<String, Object> run(ExperimentRun run) {
        var data = new LinkedHashMap<String, Object>();
        data.put("id", run.id());
        data.put("datasetItemId", run.datasetItemId());
        data.put("itemPosition", run.itemPosition());
        data.put("repetition", run.repetition());
        data.put("status", run.status().value());
        data.put("executionId", run.executionId());
        data.put("errorCode", run.errorCode());
        data.put("latencyMs", run.latencyMs());
        data.put("costUsd", run.costUsd());
        return data;
    }

    private void event(OutputStream out, String name, Object data) throws IOException {
        write(out, "event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n");
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
