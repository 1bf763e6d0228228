package dev.promptline.api.evaluations;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an LLM judge's answer: a JSON object {@code {"score": ..., "reasoning": "..."}}, alone or inside one fenced
 * code block (models often fence JSON even when asked not to). Anything else is an evaluator error naming what was
 * wrong, never a score: garbage, a score outside the scale, a category the evaluator does not list, a missing
 * reasoning.
 */
final class JudgeAnswers {
    /** Longer reasoning is cut here: a score's explanation, not a transcript. */
    static final int MAX_REASONING_CHARS = 10_000;

    /** What a judge's answer is quoted up to in an error. */
    private static final int QUOTE_CHARS = 200;

    private static final Pattern FENCED =
            Pattern.compile("\\A```[A-Za-z0-9_-]*[ \\t]*\\R(.*?)\\R?```\\z", Pattern.DOTALL);

    /** Strict: one value only, and no member named twice (which of two scores would count?). */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JudgeAnswers() {}

    static Verdict read(String answer, JudgeScale scale) {
        String body = unfenced(answer.strip());
        if (body.isBlank()) {
            return failed("is empty", answer);
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            return failed("is not JSON", answer);
        }
        if (node == null || !node.isObject()) {
            return failed("is not a JSON object", answer);
        }
        JsonNode reasoningNode = node.get("reasoning");
        // PostgreSQL cannot store a NUL, and a judge can write one as \u0000.
        String reasoning = reasoningNode == null || !reasoningNode.isString()
                ? ""
                : reasoningNode.asString().replace("\0", "").strip();
        if (reasoning.isEmpty()) {
            return failed("has no \"reasoning\" text", answer);
        }
        if (reasoning.length() > MAX_REASONING_CHARS) {
            reasoning = reasoning.substring(0, MAX_REASONING_CHARS - 1) + "…";
        }
        JsonNode score = node.get("score");
        if (score == null || score.isNull()) {
            return failed("has no \"score\"", answer);
        }
        return switch (scale) {
            case JudgeScale.Numeric numeric -> numeric(score, numeric, reasoning, answer);
            case JudgeScale.Categories categories -> category(score, categories, reasoning, answer);
        };
    }

    private static Verdict numeric(JsonNode score, JudgeScale.Numeric scale, String reasoning, String answer) {
        if (!score.isNumber() || !Double.isFinite(score.doubleValue())) {
            return failed("gives a score that is not a number", answer);
        }
        double value = score.doubleValue();
        if (value < scale.min() || value > scale.max()) {
            return failed(
                    String.format(
                            Locale.ROOT,
                            "gives the score %s, outside the scale [%s, %s]",
                            score.toString(),
                            plain(scale.min()),
                            plain(scale.max())),
                    answer);
        }
        Boolean passed = scale.threshold() == null ? null : value >= scale.threshold();
        return new Verdict.Scored(new ScoreValue.Numeric(value, scale.min(), scale.max()), passed, reasoning);
    }

    private static Verdict category(JsonNode score, JudgeScale.Categories scale, String reasoning, String answer) {
        if (!score.isString()) {
            return failed("gives a score that is not one of the categories " + scale.categories(), answer);
        }
        return scale.find(score.asString())
                .<Verdict>map(category -> new Verdict.Scored(
                        new ScoreValue.Category(category),
                        scale.passing().isEmpty() ? null : scale.passing().contains(category),
                        reasoning))
                .orElseGet(() -> failed(
                        "gives the category \"" + score.asString() + "\", which is not one of " + scale.categories(),
                        answer));
    }

    /** The inside of one fenced code block spanning the whole answer; the answer itself otherwise. */
    static String unfenced(String answer) {
        Matcher fenced = FENCED.matcher(answer);
        return fenced.matches() ? fenced.group(1) : answer;
    }

    private static Verdict.Failed failed(String what, String answer) {
        String clean = answer.replace("\0", "");
        String quoted = clean.length() <= QUOTE_CHARS ? clean : clean.substring(0, QUOTE_CHARS) + "…";
        return new Verdict.Failed("The judge's answer " + what
                + "; it must be a JSON object {\"score\": ..., \"reasoning\": \"...\"}. It answered: " + quoted);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
