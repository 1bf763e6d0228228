package dev.promptline.api.evaluations.deterministic;

import java.time.Duration;

/**
 * A text that stops a regular expression running on it once a time limit has passed: java.util.regex has no timeout,
 * but it reads its input through {@link #charAt}, so that is where the clock is looked at (every few thousand reads,
 * which keeps the cost out of the measurements).
 */
final class TimeLimitedText implements CharSequence {
    private static final int READS_BETWEEN_CHECKS = 4096;

    private final CharSequence text;
    private final long deadline;
    private int reads;

    TimeLimitedText(CharSequence text, Duration limit) {
        this(text, System.nanoTime() + limit.toNanos());
    }

    private TimeLimitedText(CharSequence text, long deadline) {
        this.text = text;
        this.deadline = deadline;
    }

    @Override
    public char charAt(int index) {
        if (++reads >= READS_BETWEEN_CHECKS) {
            reads = 0;
            if (System.nanoTime() - deadline > 0) {
                throw new TimeLimitExceeded();
            }
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new TimeLimitedText(text.subSequence(start, end), deadline);
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /** Thrown through the regex engine, which does not catch it. */
    static final class TimeLimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimeLimitExceeded() {
            super("time limit exceeded", null, false, false);
        }
    }
}
