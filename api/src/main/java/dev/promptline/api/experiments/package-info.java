/**
 * Experiments: one prompt version on one model over one pinned dataset version, every item run N times as an
 * ordinary execution (through the execution core, with no HTTP caller) and scored by pinned evaluator versions
 * afterwards. Owns {@code experiments} and {@code experiment_runs}. State lives in PostgreSQL: every replica's
 * {@link dev.promptline.api.experiments.ExperimentRunner} claims queued runs under a lease, so a replica that stops
 * leaves nothing that another cannot finish. {@link dev.promptline.api.experiments.ExperimentService#summary} is the
 * public read of an experiment's figures (leaderboards and eval-gated labels build on it).
 */
@NullMarked
package dev.promptline.api.experiments;

import org.jspecify.annotations.NullMarked;
