/**
 * Benchmarks, leaderboards and label policies. Owns {@code benchmarks}, {@code benchmark_metrics}, {@code
 * leaderboard_entries} and {@code label_policies}. A benchmark is a dataset version plus evaluators pinned at versions;
 * each finished experiment on it becomes the entry of its prompt version x model, ranked by a metric's mean. Entries
 * live in PostgreSQL and are served from Redis sorted sets, rebuilt from PostgreSQL when Redis lost them and skipped
 * when Redis is away. A label policy gates moving a prompt's label on a benchmark's results (the prompts module's
 * {@link dev.promptline.api.prompts.LabelGate}).
 */
@NullMarked
package dev.promptline.api.leaderboards;

import org.jspecify.annotations.NullMarked;
