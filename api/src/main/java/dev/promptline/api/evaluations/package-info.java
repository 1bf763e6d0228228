/**
 * Evaluations: evaluators (versioned, like prompts) and the scores they and people give executions. An evaluator is a
 * {@link dev.promptline.api.evaluations.EvaluatorKind kind} (exact match, regex, JSON Schema, embedding similarity, an
 * LLM judge, ...) with a configuration; configuring a kind checks the configuration and yields a {@link
 * dev.promptline.api.evaluations.Scorer}, which looks at one {@link dev.promptline.api.evaluations.Subject} (an
 * execution's output beside what was expected) and returns a {@link dev.promptline.api.evaluations.Verdict}. Kinds are
 * Spring beans, so an optional module (the offline embedding model) adds one by being on the class path.
 */
@NullMarked
package dev.promptline.api.evaluations;

import org.jspecify.annotations.NullMarked;
