/**
 * The service's side of the execute-path load driver: its REST API, its metrics and its database, as the benchmark
 * uses them. The load itself is in {@code dev.promptline.bench.runtime.ExecuteLoad}. Run by
 * {@code bench/execute-load.sh}; the figures are in docs/benchmarks.md.
 */
@NullMarked
package dev.promptline.bench.execute;

import org.jspecify.annotations.NullMarked;
