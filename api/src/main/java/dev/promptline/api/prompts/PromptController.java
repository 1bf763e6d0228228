package dev.promptline.api.prompts;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ParametersRequest;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Prompts and their versions. {@code GET} on a prompt answers with one version: the newest, or the one named by
 * {@code ?version=} or {@code ?label=}.
 */
@RestController
@RequestMapping("/api/v1/prompts")
@Validated
class PromptController {
    private static final String LABEL = "[a-z0-9][a-z0-9_.-]{0,99}";
    /** Whole seconds, such as {@code "3600s"}: the response cache keeps answers to the second. */
    private static final String WHOLE_SECONDS = "\\d{1,7}s";

    private final PromptService prompts;

    PromptController(PromptService prompts) {
        this.prompts = prompts;
    }

    @GetMapping
    Page<PromptSummary> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable @Size(max = 255) String name,
            @RequestParam(required = false) @Nullable @Size(max = 100) String tag,
            @RequestParam(required = false) @Nullable @Pattern(regexp = LABEL) String label,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return prompts.list(caller, name, tag, label, pageToken, pageSize).map(PromptSummary::from);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<PromptResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreatePromptRequest request) {
        var resolved = prompts.create(
                caller,
                request.name(),
                request.description() == null ? "" : request.description(),
                request.tags() == null ? List.of() : request.tags(),
                request.draft());
        return ResponseEntity.created(
                        URI.create("/api/v1/prompts/" + resolved.prompt().id()))
                .body(PromptResponse.from(resolved));
    }

    @GetMapping("/{promptId}")
    PromptResponse get(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam(required = false) @Nullable @Min(1) Integer version,
            @RequestParam(required = false) @Nullable @Pattern(regexp = LABEL) String label) {
        return PromptResponse.from(
                prompts.get(caller, new PromptId(promptId), new PromptService.Selector(version, label)));
    }

    @GetMapping("/by-name/{name}")
    PromptResponse getByName(
            @AuthenticationPrincipal Caller caller,
            @PathVariable @Size(max = 255) String name,
            @RequestParam(required = false) @Nullable @Min(1) Integer version,
            @RequestParam(required = false) @Nullable @Pattern(regexp = LABEL) String label) {
        return PromptResponse.from(prompts.getByName(caller, name, new PromptService.Selector(version, label)));
    }

    @PatchMapping("/{promptId}")
    PromptSummary update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @Valid @RequestBody UpdatePromptRequest request) {
        return PromptSummary.from(
                prompts.update(caller, new PromptId(promptId), request.description(), request.tags()));
    }

    @DeleteMapping("/{promptId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID promptId) {
        prompts.delete(caller, new PromptId(promptId));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{promptId}/versions")
    Page<VersionResponse> versions(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return prompts.versions(caller, new PromptId(promptId), pageToken, pageSize)
                .map(VersionResponse::from);
    }

    @PostMapping("/{promptId}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<VersionResponse> addVersion(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @Valid @RequestBody CreateVersionRequest request) {
        PromptVersion version =
                prompts.addVersion(caller, new PromptId(promptId), request.baseVersion(), request.draft());
        return ResponseEntity.created(
                        URI.create("/api/v1/prompts/%s/versions/%d".formatted(promptId, version.version())))
                .body(VersionResponse.from(version));
    }

    @GetMapping("/{promptId}/versions/{version}")
    VersionResponse version(
            @AuthenticationPrincipal Caller caller, @PathVariable UUID promptId, @PathVariable @Min(1) int version) {
        return VersionResponse.from(
                prompts.get(caller, new PromptId(promptId), new PromptService.Selector(version, null))
                        .version());
    }

    @PutMapping("/{promptId}/labels/{label}")
    PromptSummary setLabel(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label,
            @Valid @RequestBody SetLabelRequest request) {
        return PromptSummary.from(
                prompts.setLabel(caller, new PromptId(promptId), label, request.version(), request.overrideReason()));
    }

    /** Where the label pointed over time, who moved it, and what its policy said each time; newest first. */
    @GetMapping("/{promptId}/labels/{label}/moves")
    Page<LabelMove> labelMoves(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return prompts.labelMoves(caller, new PromptId(promptId), label, pageToken, pageSize);
    }

    @DeleteMapping("/{promptId}/labels/{label}")
    PromptSummary deleteLabel(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label) {
        return PromptSummary.from(prompts.deleteLabel(caller, new PromptId(promptId), label));
    }

    /**
     * Splits the label's executions between versions by weight ({@code arms: [{version, weight}]}), in place of any
     * split it had. The label keeps its own version, which it goes back to when the split is removed.
     */
    @PutMapping("/{promptId}/labels/{label}/split")
    SplitResponse setSplit(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label,
            @Valid @RequestBody SplitRequest request) {
        PromptId id = new PromptId(promptId);
        var arms = prompts.arms(caller, id, request.arms());
        prompts.setSplit(caller, id, label, arms, request.overrideReason());
        return SplitResponse.from(prompts.split(caller, id, label));
    }

    /** The label's split and how each arm has done so far: executions, error rate, latency, cost and mean scores. */
    @GetMapping("/{promptId}/labels/{label}/split")
    SplitResponse split(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label) {
        return SplitResponse.from(prompts.split(caller, new PromptId(promptId), label));
    }

    /** Ends the label's split: its executions run the label's own version again. */
    @DeleteMapping("/{promptId}/labels/{label}/split")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> removeSplit(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @PathVariable @Pattern(regexp = LABEL) String label) {
        prompts.removeSplit(caller, new PromptId(promptId), label);
        return ResponseEntity.noContent().build();
    }

    /** Shows what a version sends to a model for these variables, without calling one. */
    @PostMapping("/{promptId}/render")
    RenderResponse render(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @Valid @RequestBody RenderRequest request) {
        var resolved = prompts.get(
                caller, new PromptId(promptId), new PromptService.Selector(request.version(), request.label()));
        return new RenderResponse(
                resolved.version().version(), prompts.render(resolved.version(), request.variables()));
    }

    /** The arms of each label's split, for the prompt's readers; the split's own resource has its figures. */
    private static Map<String, List<LabelSplit.Arm>> splits(Prompt prompt) {
        var splits = new TreeMap<String, List<LabelSplit.Arm>>();
        prompt.splits().forEach((label, split) -> splits.put(label, split.arms()));
        return splits;
    }

    private static PromptService.Draft draft(
            TemplateRequest template,
            @Nullable UUID modelId,
            @Nullable ParametersRequest parameters,
            @Nullable List<UUID> fallbackModelIds,
            @Nullable String cacheTtl,
            @Nullable String commitMessage) {
        return new PromptService.Draft(
                template.toTemplate(),
                modelId,
                ParametersRequest.toParameters(parameters),
                fallbackModelIds == null ? List.of() : fallbackModelIds,
                cacheTtl == null
                        ? null
                        : Duration.ofSeconds(Long.parseLong(cacheTtl.substring(0, cacheTtl.length() - 1))),
                commitMessage == null ? "" : commitMessage);
    }

    record MessageRequest(
            @NotNull @Pattern(regexp = "system|user|assistant")
            String role,

            @NotNull @Size(max = 100_000) String content) {}

    record TemplateRequest(
            @NotNull @Pattern(regexp = "text|chat") String format,
            @Nullable @Size(max = 100_000) String text,
            @Nullable @Size(min = 1, max = 100) List<@NotNull @Valid MessageRequest> messages) {
        PromptTemplate toTemplate() {
            if (format.equals("text")) {
                if (text == null || messages != null) {
                    throw PromptlineException.invalidField("#/template", "a text template has text and no messages");
                }
                return new PromptTemplate.Text(text);
            }
            if (messages == null || text != null) {
                throw PromptlineException.invalidField("#/template", "a chat template has messages and no text");
            }
            return new PromptTemplate.Chat(messages.stream()
                    .map(message -> new ChatMessage(message.role(), message.content()))
                    .toList());
        }
    }

    record CreatePromptRequest(
            @NotBlank @Size(max = 255) @Pattern(regexp = "[^/]+", message = "must not contain '/'")
            String name,

            @Nullable @Size(max = 10_000) String description,
            @Nullable @Size(max = 20) List<@NotBlank @Size(max = 100) String> tags,
            @NotNull @Valid TemplateRequest template,
            @Nullable UUID modelId,
            @Nullable @Valid ParametersRequest parameters,

            @Nullable @Size(max = PromptService.MAX_FALLBACK_MODELS)
            List<@NotNull UUID> fallbackModelIds,

            @Nullable @Pattern(regexp = WHOLE_SECONDS, message = "must be whole seconds such as \"3600s\"")
            String cacheTtl,

            @Nullable @Size(max = 1_000) String commitMessage) {
        PromptService.Draft draft() {
            return PromptController.draft(template, modelId, parameters, fallbackModelIds, cacheTtl, commitMessage);
        }
    }

    record UpdatePromptRequest(
            @Nullable @Size(max = 10_000) String description,
            @Nullable @Size(max = 20) List<@NotBlank @Size(max = 100) String> tags) {}

    record CreateVersionRequest(
            @NotNull @Min(1) Integer baseVersion,
            @NotNull @Valid TemplateRequest template,
            @Nullable UUID modelId,
            @Nullable @Valid ParametersRequest parameters,

            @Nullable @Size(max = PromptService.MAX_FALLBACK_MODELS)
            List<@NotNull UUID> fallbackModelIds,

            @Nullable @Pattern(regexp = WHOLE_SECONDS, message = "must be whole seconds such as \"3600s\"")
            String cacheTtl,

            @Nullable @Size(max = 1_000) String commitMessage) {
        PromptService.Draft draft() {
            return PromptController.draft(template, modelId, parameters, fallbackModelIds, cacheTtl, commitMessage);
        }
    }

    /**
     * @param overrideReason an owner's reason to move the label although its policy refuses the version
     */
    record SetLabelRequest(
            @NotNull @Min(1) Integer version,
            @Nullable @Size(max = 2000) String overrideReason) {}

    /**
     * @param arms checked by the service, so that each mistake names its field ({@code #/arms/1/weight})
     * @param overrideReason an owner's reason to send traffic to a version the label's policy refuses
     */
    record SplitRequest(
            @Nullable List<PromptService.ArmDraft> arms,
            @Nullable @Size(max = 2000) String overrideReason) {}

    /**
     * @param labelVersion the version the label points at itself, which it goes back to when the split is removed
     */
    record SplitResponse(
            UUID id,
            String label,
            int labelVersion,
            List<ArmResponse> arms,
            @Nullable UUID createdBy,
            Instant createdAt) {
        static SplitResponse from(PromptService.SplitReadout readout) {
            LabelSplit split = readout.split();
            long total = split.totalWeight();
            return new SplitResponse(
                    split.id(),
                    split.label(),
                    readout.labelVersion(),
                    split.arms().stream()
                            .map(arm -> ArmResponse.from(
                                    arm,
                                    (double) arm.weight() / total,
                                    readout.figures().getOrDefault(arm.version(), SplitFigures.ArmFigures.NONE)))
                            .toList(),
                    split.createdBy(),
                    split.createdAt());
        }
    }

    /**
     * One arm with its figures so far.
     *
     * @param share the arm's weight over all the weights
     * @param errorRate failed over finished; null before any finished
     * @param meanLatencyMs over the successful executions; null before the first
     * @param meanScores the mean of each score its executions were given, by name (pass/fail scores: the share passed)
     */
    record ArmResponse(
            int version,
            int weight,
            double share,
            long executions,
            long succeeded,
            long failed,
            @Nullable Double errorRate,
            @Nullable Double meanLatencyMs,
            BigDecimal costUsd,
            Map<String, Double> meanScores) {
        static ArmResponse from(LabelSplit.Arm arm, double share, SplitFigures.ArmFigures figures) {
            return new ArmResponse(
                    arm.version(),
                    arm.weight(),
                    share,
                    figures.executions(),
                    figures.succeeded(),
                    figures.failed(),
                    figures.errorRate(),
                    figures.meanLatencyMs(),
                    figures.costUsd(),
                    figures.meanScores());
        }
    }

    record RenderRequest(
            @NotNull @Size(max = 100)
            Map<@Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,63}") String, @NotNull String> variables,

            @Nullable @Min(1) Integer version,
            @Nullable @Pattern(regexp = LABEL) String label) {}

    record RenderResponse(int version, List<ChatMessage> messages) {}

    record TemplateResponse(
            String format, @Nullable String text, @Nullable List<ChatMessage> messages) {
        static TemplateResponse from(PromptTemplate template) {
            return switch (template) {
                case PromptTemplate.Text text -> new TemplateResponse("text", text.text(), null);
                case PromptTemplate.Chat chat -> new TemplateResponse("chat", null, chat.messages());
            };
        }
    }

    record VersionResponse(
            int version,
            TemplateResponse template,
            List<String> variables,
            @Nullable UUID modelId,
            ModelParameters parameters,
            List<UUID> fallbackModelIds,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String cacheTtl,

            String commitMessage,
            @Nullable UUID createdBy,
            Instant createdAt) {
        static VersionResponse from(PromptVersion version) {
            return new VersionResponse(
                    version.version(),
                    TemplateResponse.from(version.template()),
                    version.variables(),
                    version.modelId(),
                    version.parameters(),
                    version.fallbackModelIds(),
                    version.cacheTtl() == null ? null : version.cacheTtl().toSeconds() + "s",
                    version.commitMessage(),
                    version.createdBy() == null ? null : version.createdBy().value(),
                    version.createdAt());
        }
    }

    record PromptSummary(
            UUID id,
            String name,
            String description,
            List<String> tags,
            int latestVersion,
            Map<String, Integer> labels,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<LabelSplit.Arm>> splits,
            Instant createdAt,
            Instant updatedAt) {
        static PromptSummary from(Prompt prompt) {
            return new PromptSummary(
                    prompt.id().value(),
                    prompt.name(),
                    prompt.description(),
                    prompt.tags(),
                    prompt.latestVersion(),
                    prompt.labels(),
                    PromptController.splits(prompt),
                    prompt.createdAt(),
                    prompt.updatedAt());
        }
    }

    record PromptResponse(
            UUID id,
            String name,
            String description,
            List<String> tags,
            int latestVersion,
            Map<String, Integer> labels,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<LabelSplit.Arm>> splits,
            Instant createdAt,
            Instant updatedAt,
            VersionResponse version) {
        static PromptResponse from(PromptService.Resolved resolved) {
            Prompt prompt = resolved.prompt();
            return new PromptResponse(
                    prompt.id().value(),
                    prompt.name(),
                    prompt.description(),
                    prompt.tags(),
                    prompt.latestVersion(),
                    prompt.labels(),
                    PromptController.splits(prompt),
                    prompt.createdAt(),
                    prompt.updatedAt(),
                    VersionResponse.from(resolved.version()));
        }
    }
}
