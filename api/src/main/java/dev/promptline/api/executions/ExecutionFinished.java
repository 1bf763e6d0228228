package dev.promptline.api.executions;

import static java.util.Objects.requireNonNull;

/**
 * Published once an execution's record is finished and durable, whichever way it ended: by its own run, or closed as
 * abandoned by recovery or the sweep. Listeners run on the thread that finished it, before its caller is answered:
 * one that does more than a quick hand-off to a thread of its own makes every execution slower. A listener that throws
 * is logged and changes nothing.
 */
public record ExecutionFinished(Execution execution) {
    public ExecutionFinished {
        requireNonNull(execution, "execution is null");
        if (!execution.status().isTerminal()) {
            throw new IllegalArgumentException("not finished: " + execution.status());
        }
    }
}
