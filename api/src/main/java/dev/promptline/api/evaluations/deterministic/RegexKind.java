package dev.promptline.api.evaluations.deterministic;

import dev.promptline.api.evaluations.EvaluatorKind;
import dev.promptline.api.evaluations.ScoreValue;
import dev.promptline.api.evaluations.Scorer;
import dev.promptline.api.evaluations.Verdict;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code regex}: a boolean score, true when the pattern matches the output: somewhere in it ({@code match: find}, the
 * default) or the whole of it ({@code match: full}). {@code passed} is the same boolean. The pattern is compiled once,
 * when the evaluator is configured, so a pattern that does not compile is a 400 naming {@code config.pattern}.
 *
 * <p>Config: {@code pattern} (Java regular expression, required, at most 10,000 characters), {@code flags} (letters
 * of {@code i} case-insensitive, {@code m} multiline, {@code s} dot matches line breaks, {@code x} comments,
 * {@code u} Unicode-aware case), {@code match} ({@code find} or {@code full}).
 *
 * <p>A pattern that backtracks catastrophically on some output ({@code (a+)+$}) is stopped after {@link #TIME_LIMIT}
 * and recorded as an evaluator error for that output, so one bad pattern cannot hold a thread.
 */
@Component
class RegexKind implements EvaluatorKind {
    static final int MAX_PATTERN_LENGTH = 10_000;
    static final Duration TIME_LIMIT = Duration.ofSeconds(1);

    @Override
    public String type() {
        return "regex";
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode node) {
        var config = Config.of(node, "pattern", "flags", "match");
        String source = config.requiredText("pattern");
        if (source.isEmpty() || source.length() > MAX_PATTERN_LENGTH) {
            throw Config.invalid("pattern", "must be 1 to %,d characters".formatted(MAX_PATTERN_LENGTH));
        }
        int flags = flags(config.text("flags"));
        boolean full = config.choice("match", "find", "full").equals("full");
        Pattern pattern;
        try {
            pattern = Pattern.compile(source, flags);
        } catch (PatternSyntaxException e) {
            throw Config.invalid(
                    "pattern", "does not compile: %s near index %d".formatted(e.getDescription(), e.getIndex()));
        }
        return subject -> {
            if (subject.output() == null) {
                return new Verdict.Scored(new ScoreValue.Bool(false), false, "the execution produced no output");
            }
            try {
                Matcher matcher = pattern.matcher(new TimeLimitedText(subject.output(), TIME_LIMIT));
                boolean matched = full ? matcher.matches() : matcher.find();
                return new Verdict.Scored(
                        new ScoreValue.Bool(matched),
                        matched,
                        matched
                                ? (full ? null : "matches " + Texts.quote(matcher.group()))
                                : (full ? "the whole output does not match" : "no match"));
            } catch (TimeLimitedText.TimeLimitExceeded e) {
                return new Verdict.Failed("the pattern took longer than %d ms on this output (catastrophic"
                                .formatted(TIME_LIMIT.toMillis())
                        + " backtracking?); simplify it");
            }
        };
    }

    private static int flags(@Nullable String letters) {
        if (letters == null) {
            return 0;
        }
        int flags = 0;
        for (char letter : letters.toCharArray()) {
            flags |= switch (letter) {
                case 'i' -> Pattern.CASE_INSENSITIVE;
                case 'm' -> Pattern.MULTILINE;
                case 's' -> Pattern.DOTALL;
                case 'x' -> Pattern.COMMENTS;
                case 'u' -> Pattern.UNICODE_CASE;
                default ->
                    throw Config.invalid(
                            "flags", "'%s' is not a flag; use letters of i, m, s, x and u".formatted(letter));
            };
        }
        return flags;
    }
}
