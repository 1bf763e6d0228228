package dev.promptline.api.evaluations;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionListener;
import dev.promptline.api.executions.ExecutionRequest;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptVersion;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code llm_judge}: a rubric that is itself a prompt in the registry, run on a model through the execution core like
 * any other execution (recorded and priced, with no HTTP caller), answering {@code {"score": ..., "reasoning":
 * "..."}}. The rubric sees the subject's variables and four of its own: {@code output}, {@code expectedOutput},
 * {@code input} (the variables as a JSON object) and nothing else; it must use {@code output}.
 *
 * <p>Configuration: {@code promptId} with a {@code label} or a {@code version}; optional {@code modelId} (else the
 * rubric version's model); the scale, either {@code min} and {@code max} with an optional {@code threshold}, or
 * {@code categories} with the {@code passing} ones; optional {@code timeout} ({@code "30s"}). A label is resolved at
 * each scoring, so moving it changes the rubric of every evaluator that names it.
 */
@Component
final class LlmJudgeKind implements EvaluatorKind {
    static final String TYPE = "llm_judge";

    private static final Logger log = LoggerFactory.getLogger(LlmJudgeKind.class);
    private static final Set<String> FIELDS = Set.of(
            "promptId", "label", "version", "modelId", "min", "max", "threshold", "categories", "passing", "timeout");
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_CATEGORIES = 50;
    private static final int MAX_CATEGORY_CHARS = 100;
    /** The longest deadline an execution may ask for by default (EXECUTION_MAX_TIMEOUT). */
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private final PromptService prompts;
    private final ModelService models;
    private final ExecutionService executions;
    private final JsonMapper json;

    LlmJudgeKind(PromptService prompts, ModelService models, ExecutionService executions, JsonMapper json) {
        this.prompts = prompts;
        this.models = models;
        this.executions = executions;
        this.json = json;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** What a judge runs, once checked. */
    record Judge(
            OrganizationId organizationId,
            PromptId promptId,
            @Nullable String label,
            @Nullable Integer version,
            @Nullable UUID modelId,
            JudgeScale scale,
            @Nullable Duration timeout) {}

    /** Configuring reads the rubric prompt, which can be deleted or lose its label: checked again at each use. */
    @Override
    public boolean reusable() {
        return false;
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode config) {
        Judge judge = parse(organizationId, config);
        PromptVersion rubric = rubric(judge);
        if (!rubric.variables().contains("output")) {
            throw new InvalidEvaluatorConfigException(
                    "config.promptId",
                    "the rubric (version %d) must use {{output}}, the answer it judges; it uses %s"
                            .formatted(rubric.version(), rubric.variables()));
        }
        checkModel(judge, rubric);
        return subject -> score(judge, subject);
    }

    private Judge parse(OrganizationId organizationId, JsonNode config) {
        if (!config.isObject()) {
            throw new InvalidEvaluatorConfigException("config", "must be an object");
        }
        for (String field : config.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidEvaluatorConfigException(
                        "config." + field, "is not a setting of llm_judge (it has: " + String.join(", ", FIELDS) + ")");
            }
        }
        PromptId promptId = new PromptId(requireNonNull(uuid(config, "promptId", true)));
        String label = text(config, "label");
        Integer version = null;
        JsonNode versionNode = present(config, "version");
        if (versionNode != null) {
            if (!versionNode.isIntegralNumber() || !versionNode.canConvertToInt() || versionNode.intValue() < 1) {
                throw new InvalidEvaluatorConfigException("config.version", "must be a version number (1 or more)");
            }
            version = versionNode.intValue();
        }
        if (label != null && version != null) {
            throw new InvalidEvaluatorConfigException(
                    "config.version", "give the rubric's label or its version, not both");
        }
        if (label == null && version == null) {
            throw new InvalidEvaluatorConfigException(
                    "config.label", "is required: name the rubric's version by a label or a version number");
        }
        UUID modelId = uuid(config, "modelId", false);
        return new Judge(organizationId, promptId, label, version, modelId, scale(config), timeout(config));
    }

    private static JudgeScale scale(JsonNode config) {
        boolean numeric = present(config, "min") != null || present(config, "max") != null;
        boolean categorical = present(config, "categories") != null;
        if (numeric && categorical) {
            throw new InvalidEvaluatorConfigException(
                    "config.categories", "give a numeric scale (min, max) or categories, not both");
        }
        if (categorical) {
            if (present(config, "threshold") != null) {
                throw new InvalidEvaluatorConfigException(
                        "config.threshold", "applies to a numeric scale; categories pass by the passing list");
            }
            List<String> categories = texts(config, "categories", true);
            if (categories.size() > MAX_CATEGORIES) {
                throw new InvalidEvaluatorConfigException(
                        "config.categories", "may list at most " + MAX_CATEGORIES + " categories");
            }
            var seen = new LinkedHashSet<String>();
            for (String category : categories) {
                if (category.length() > MAX_CATEGORY_CHARS) {
                    throw new InvalidEvaluatorConfigException(
                            "config.categories", "a category is at most " + MAX_CATEGORY_CHARS + " characters");
                }
                if (!seen.add(category.toLowerCase(Locale.ROOT))) {
                    throw new InvalidEvaluatorConfigException(
                            "config.categories", "lists \"" + category + "\" twice (categories ignore case)");
                }
            }
            var scale = new JudgeScale.Categories(categories, Set.of());
            var passing = new LinkedHashSet<String>();
            for (String name : texts(config, "passing", false)) {
                passing.add(scale.find(name)
                        .orElseThrow(() -> new InvalidEvaluatorConfigException(
                                "config.passing", "\"" + name + "\" is not one of the categories " + categories)));
            }
            return new JudgeScale.Categories(categories, passing);
        }
        if (present(config, "passing") != null) {
            throw new InvalidEvaluatorConfigException("config.passing", "applies to categories only");
        }
        double min = number(config, "min");
        double max = number(config, "max");
        if (!(min < max)) {
            throw new InvalidEvaluatorConfigException("config.max", "must be greater than min");
        }
        Double threshold = present(config, "threshold") == null ? null : number(config, "threshold");
        if (threshold != null && (threshold < min || threshold > max)) {
            throw new InvalidEvaluatorConfigException("config.threshold", "must lie within [min, max]");
        }
        return new JudgeScale.Numeric(min, max, threshold);
    }

    private static @Nullable Duration timeout(JsonNode config) {
        String text = text(config, "timeout");
        if (text == null) {
            return null;
        }
        String problem = "must be a number of seconds followed by s, such as \"30s\", above 0 and at most "
                + MAX_TIMEOUT.toSeconds() + "s";
        if (!text.matches("\\d{1,6}(\\.\\d{1,3})?s")) {
            throw new InvalidEvaluatorConfigException("config.timeout", problem);
        }
        var seconds = new BigDecimal(text.substring(0, text.length() - 1));
        Duration timeout = Duration.ofMillis(seconds.movePointRight(3).longValueExact());
        if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidEvaluatorConfigException("config.timeout", problem);
        }
        return timeout;
    }

    /** The rubric's version the judge names now; a 400 naming the field when the prompt, label or version is not. */
    private PromptVersion rubric(Judge judge) {
        PromptService.Resolved prompt;
        try {
            prompt = prompts.get(judge.organizationId(), judge.promptId(), new PromptService.Selector(null, null));
        } catch (PromptlineException e) {
            if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                throw new InvalidEvaluatorConfigException("config.promptId", "is not a prompt of this organization");
            }
            throw e;
        }
        if (judge.label() != null) {
            Integer labelled = prompt.prompt().labels().get(judge.label());
            if (labelled == null) {
                throw new InvalidEvaluatorConfigException(
                        "config.label", "the rubric prompt has no label '%s'".formatted(judge.label()));
            }
            return version(judge, labelled, "config.label");
        }
        int version = judge.version() == null ? prompt.prompt().latestVersion() : judge.version();
        return version(judge, version, "config.version");
    }

    private PromptVersion version(Judge judge, int number, String field) {
        try {
            return prompts.get(judge.organizationId(), judge.promptId(), new PromptService.Selector(number, null))
                    .version();
        } catch (PromptlineException e) {
            if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                throw new InvalidEvaluatorConfigException(field, "the rubric prompt has no version " + number);
            }
            throw e;
        }
    }

    private void checkModel(Judge judge, PromptVersion rubric) {
        UUID id = judge.modelId() != null ? judge.modelId() : rubric.modelId();
        if (id == null) {
            throw new InvalidEvaluatorConfigException(
                    "config.modelId",
                    "is required: the rubric's version %d names no model".formatted(rubric.version()));
        }
        Model model = models.find(judge.organizationId(), new ModelId(id))
                .orElseThrow(() -> new InvalidEvaluatorConfigException(
                        "config.modelId",
                        "is not a model of this organization"
                                + (judge.modelId() == null ? " (the rubric version's model)" : "")));
        if (!model.enabled()) {
            throw new InvalidEvaluatorConfigException(
                    "config.modelId", "model '%s' is disabled".formatted(model.name()));
        }
    }

    private Verdict score(Judge judge, Subject subject) {
        PromptVersion rubric;
        try {
            rubric = rubric(judge);
        } catch (InvalidEvaluatorConfigException e) {
            return new Verdict.Failed("The judge's rubric cannot run: " + e.field() + " " + e.getMessage() + ".");
        }
        Map<String, String> context = new LinkedHashMap<>(subject.input());
        context.put("output", subject.output() == null ? "" : subject.output());
        if (subject.expectedOutput() != null) {
            context.put("expectedOutput", subject.expectedOutput());
        } else {
            context.remove("expectedOutput");
        }
        context.put("input", json.writeValueAsString(subject.input()));
        Map<String, String> variables = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : rubric.variables()) {
            String value = context.get(name);
            if (value == null) {
                missing.add(name);
            } else {
                variables.put(name, value);
            }
        }
        if (!missing.isEmpty()) {
            return new Verdict.Failed("The rubric (version %d) uses %s, which this execution does not have%s."
                    .formatted(
                            rubric.version(),
                            missing,
                            missing.contains("expectedOutput") ? " (there is no expected output)" : ""));
        }
        var request = new ExecutionRequest(
                judge.organizationId(),
                null,
                judge.promptId(),
                rubric.version(),
                null,
                variables,
                judge.modelId(),
                ModelParameters.NONE,
                judge.timeout(),
                null);
        Execution execution;
        try {
            execution = executions.execute(request, ExecutionListener.NONE).execution();
        } catch (PromptlineException e) {
            return new Verdict.Failed("The judge could not run: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn(
                    "The LLM judge failed to run its rubric {}",
                    judge.promptId().value(),
                    e);
            return new Verdict.Failed("The judge could not run: " + e.getMessage());
        }
        if (execution.status() != ExecutionStatus.SUCCEEDED) {
            return new Verdict.Failed("The judge's execution %s ended as %s%s"
                    .formatted(
                            execution.id(),
                            execution.status().value(),
                            execution.errorMessage() == null ? "." : ": " + execution.errorMessage()));
        }
        String answer = execution.output() == null ? "" : execution.output();
        return switch (JudgeAnswers.read(answer, judge.scale())) {
            case Verdict.Failed failed ->
                new Verdict.Failed(failed.reason() + " (the judge's execution " + execution.id() + ")");
            case Verdict.Scored scored -> scored;
        };
    }

    private static @Nullable JsonNode present(JsonNode config, String field) {
        JsonNode node = config.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static @Nullable String text(JsonNode config, String field) {
        JsonNode node = present(config, field);
        if (node == null) {
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            throw new InvalidEvaluatorConfigException("config." + field, "must be non-blank text");
        }
        return node.asString();
    }

    private static List<String> texts(JsonNode config, String field, boolean required) {
        JsonNode node = present(config, field);
        if (node == null) {
            if (required) {
                throw new InvalidEvaluatorConfigException("config." + field, "is required");
            }
            return List.of();
        }
        if (!node.isArray() || (required && node.isEmpty())) {
            throw new InvalidEvaluatorConfigException(
                    "config." + field, "must be a list of texts" + (required ? ", at least one" : ""));
        }
        var texts = new ArrayList<String>();
        for (JsonNode item : node) {
            if (!item.isString() || item.asString().isBlank()) {
                throw new InvalidEvaluatorConfigException("config." + field, "must list non-blank texts");
            }
            texts.add(item.asString().strip());
        }
        return List.copyOf(texts);
    }

    private static double number(JsonNode config, String field) {
        JsonNode node = present(config, field);
        if (node == null) {
            throw new InvalidEvaluatorConfigException(
                    "config." + field, "is required: give min and max, or categories");
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw new InvalidEvaluatorConfigException("config." + field, "must be a number");
        }
        return node.doubleValue();
    }

    private static @Nullable UUID uuid(JsonNode config, String field, boolean required) {
        JsonNode node = present(config, field);
        if (node == null) {
            if (required) {
                throw new InvalidEvaluatorConfigException("config." + field, "is required");
            }
            return null;
        }
        if (!node.isString() || !UUID_TEXT.matcher(node.asString()).matches()) {
            throw new InvalidEvaluatorConfigException("config." + field, "must be a UUID");
        }
        return UUID.fromString(node.asString());
    }
}
