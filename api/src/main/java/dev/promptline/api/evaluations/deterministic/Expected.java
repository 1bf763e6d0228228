package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.Verdict;

/** The verdict of a kind that compares with an expected output when there is none to compare with. */
final class Expected {
    static Verdict.Failed missing() {
        return new Verdict.Failed("no expected output to compare with: the item has none and the evaluator's"
                + " config sets no 'expected'");
    }

    private Expected() {}
}
