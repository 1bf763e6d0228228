package dev.promptline.api.evaluations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a judge may answer: one JSON object, fenced or not, with a score on the scale and a reasoning. */
class JudgeAnswersTest {
    private static final JudgeScale.Numeric ONE_TO_FIVE = new JudgeScale.Numeric(1, 5, 3.5);
    private static final JudgeScale.Categories GRADES =
            new JudgeScale.Categories(List.of("correct", "partial", "wrong"), Set.of("correct"));

    private static String failure(String answer, JudgeScale scale) {
        Verdict verdict = JudgeAnswers.read(answer, scale);
        assertThat(verdict).as(answer).isInstanceOf(Verdict.Failed.class);
        return ((Verdict.Failed) verdict).reason();
    }

    @Test
    void aPlainObjectIsAScoreAndItsReasoning() {
        assertThat(JudgeAnswers.read(" {\"score\": 4.5, \"reasoning\": \" Good. \"}\n", ONE_TO_FIVE))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(4.5, 1, 5), true, "Good."));
        assertThat(JudgeAnswers.read("{\"score\": 1, \"reasoning\": \"Bad.\", \"confidence\": 0.9}", ONE_TO_FIVE))
                .as("members beyond the two are ignored")
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(1, 1, 5), false, "Bad."));
    }

    @Test
    void aFencedBlockIsRead() {
        assertThat(JudgeAnswers.read("```json\n{\"score\": 5, \"reasoning\": \"Exact.\"}\n```", ONE_TO_FIVE))
                .isInstanceOf(Verdict.Scored.class);
        assertThat(JudgeAnswers.read("```\n{\"score\": 5, \"reasoning\": \"Exact.\"}```", ONE_TO_FIVE))
                .isInstanceOf(Verdict.Scored.class);
    }

    @Test
    void anythingElseIsAFailureSayingWhatWasWrong() {
        assertThat(failure("Four out of five.", ONE_TO_FIVE))
                .contains("is not JSON")
                .contains("Four out of five.");
        assertThat(failure("Here you go: {\"score\": 4, \"reasoning\": \"x\"}", ONE_TO_FIVE))
                .contains("is not JSON");
        assertThat(failure("{\"score\": 4, \"reasoning\": \"x\"} and more", ONE_TO_FIVE))
                .contains("is not JSON");
        assertThat(failure("[4]", ONE_TO_FIVE)).contains("is not a JSON object");
        assertThat(failure("{\"score\": 4}", ONE_TO_FIVE)).contains("has no \"reasoning\"");
        assertThat(failure("{\"score\": 4, \"reasoning\": \"  \"}", ONE_TO_FIVE))
                .contains("has no \"reasoning\"");
        assertThat(failure("{\"reasoning\": \"x\"}", ONE_TO_FIVE)).contains("has no \"score\"");
        assertThat(failure("{\"score\": \"4\", \"reasoning\": \"x\"}", ONE_TO_FIVE))
                .contains("not a number");
        assertThat(failure("{\"score\": 0, \"reasoning\": \"x\"}", ONE_TO_FIVE))
                .contains("gives the score 0, outside the scale [1, 5]");
        assertThat(failure("{\"score\": 4, \"score\": 1, \"reasoning\": \"x\"}", ONE_TO_FIVE))
                .as("a member named twice")
                .contains("is not JSON");
        assertThat(failure("", ONE_TO_FIVE)).contains("is empty");
    }

    @Test
    void categoriesMatchIgnoringCaseAndPassByTheirList() {
        assertThat(JudgeAnswers.read("{\"score\": \" Correct\", \"reasoning\": \"x\"}", GRADES))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Category("correct"), true, "x"));
        assertThat(JudgeAnswers.read("{\"score\": \"wrong\", \"reasoning\": \"x\"}", GRADES))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Category("wrong"), false, "x"));
        assertThat(JudgeAnswers.read(
                        "{\"score\": \"wrong\", \"reasoning\": \"x\"}",
                        new JudgeScale.Categories(GRADES.categories(), Set.of())))
                .as("no passing list: neither passed nor failed")
                .isEqualTo(new Verdict.Scored(new ScoreValue.Category("wrong"), null, "x"));
        assertThat(failure("{\"score\": \"maybe\", \"reasoning\": \"x\"}", GRADES))
                .contains("\"maybe\", which is not one of [correct, partial, wrong]");
        assertThat(failure("{\"score\": 1, \"reasoning\": \"x\"}", GRADES)).contains("not one of the categories");
    }

    @Test
    void reasoningIsCleanedAndBounded() {
        Verdict verdict = JudgeAnswers.read(
                "{\"score\": 2, \"reasoning\": \"a\\u0000b" + "c".repeat(20_000) + "\"}", ONE_TO_FIVE);

        String reasoning = ((Verdict.Scored) verdict).reasoning();
        assertThat(reasoning).startsWith("abc").doesNotContain("\0").hasSize(JudgeAnswers.MAX_REASONING_CHARS);
        assertThat(failure("\0 garbage " + "x".repeat(1_000), ONE_TO_FIVE))
                .doesNotContain("\0")
                .hasSizeLessThan(500);
    }
}
