package dev.promptline.api.evaluations;

/**
 * A configured evaluator, ready to score. It may block (an LLM judge calls a model), so it runs on a virtual thread off
 * the execution's hot path. It never throws for a subject it cannot score: that is a {@link Verdict.Failed}.
 */
@FunctionalInterface
public interface Scorer {
    Verdict score(Subject subject);
}
