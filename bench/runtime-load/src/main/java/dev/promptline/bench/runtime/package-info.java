/**
 * A load driver for the agent runtime alone: the runtime between a client and a fake provider that answers at once,
 * measured against the same streams sent straight to the fake provider. Run by {@code bench/runtime-load.sh}; the
 * figures are in docs/benchmarks.md.
 */
@NullMarked
package dev.promptline.bench.runtime;

import org.jspecify.annotations.NullMarked;
