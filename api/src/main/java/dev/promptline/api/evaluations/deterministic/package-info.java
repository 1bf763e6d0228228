/**
 * The deterministic evaluator kinds: exact match, contains, regex, valid JSON, JSON Schema, Levenshtein similarity,
 * and latency and cost thresholds. Each is a small {@link dev.promptline.api.evaluations.EvaluatorKind} bean that
 * checks its configuration once (a regex is compiled, a schema checked against its meta-schema) and scores without
 * I/O, in microseconds (docs/benchmarks.md). Internal to the evaluations module: found only as beans.
 */
@NullMarked
package dev.promptline.api.evaluations.deterministic;

import org.jspecify.annotations.NullMarked;
