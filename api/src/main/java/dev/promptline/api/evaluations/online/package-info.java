/**
 * Online evaluation: rules that score a sampled share of a prompt's production executions with chosen evaluators,
 * asynchronously, after each execution finished; and the scores aggregated per prompt version and day. Part of the
 * {@code evaluations} module (an internal package): it uses {@link dev.promptline.api.evaluations.EvaluatorService}
 * and {@link dev.promptline.api.evaluations.ScoreService} like any other caller.
 */
@NullMarked
package dev.promptline.api.evaluations.online;

import org.jspecify.annotations.NullMarked;
