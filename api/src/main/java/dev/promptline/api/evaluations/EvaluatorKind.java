package dev.promptline.api.evaluations;

import dev.promptline.api.platform.tenancy.OrganizationId;
import tools.jackson.databind.JsonNode;

/**
 * One type of evaluator ({@code exact_match}, {@code regex}, {@code llm_judge}, ...): it checks a configuration and
 * turns it into a {@link Scorer}. Each kind is a Spring bean; its {@link #type()} is the {@code type} of the API.
 */
public interface EvaluatorKind {
    /** The name clients use, lower snake case: {@code exact_match}. */
    String type();

    /**
     * Checks {@code config} and builds the scorer it describes.
     *
     * @param organizationId whose evaluator this is: a judge's rubric prompt and model are looked up in it
     * @throws InvalidEvaluatorConfigException naming the first bad field (a regex that does not compile, a schema that
     *     is not JSON Schema), before anything runs
     */
    Scorer configure(OrganizationId organizationId, JsonNode config);

    /**
     * Whether a scorer configured once may serve every later scoring of the same evaluator version: true when
     * {@link #configure} reads nothing but the configuration, which never changes within a version. A kind that reads
     * something else that can change (a judge's rubric prompt, which can be deleted) answers false and is configured at
     * each use.
     */
    default boolean reusable() {
        return true;
    }
}
