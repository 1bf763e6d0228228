package dev.promptline.api.evaluations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConfiguredScorersTest {
    private static final OrganizationId ORGANIZATION = new OrganizationId(UUID.randomUUID());
    private static final EvaluatorId EVALUATOR = new EvaluatorId(UUID.randomUUID());
    private static final Subject SUBJECT = new Subject(Map.of(), null, "ok", null, null);

    private final ConfiguredScorers scorers = new ConfiguredScorers(ConfiguredScorers.MAX_ENTRIES);

    @Test
    void aVersionIsConfiguredOnceHoweverOftenItScores() {
        var kind = new CountingKind(true);
        var version = version(1, "{\"answer\": \"a\"}");

        for (int item = 0; item < 100; item++) {
            scorers.scorer(kind, ORGANIZATION, version).score(SUBJECT);
        }

        assertThat(kind.configured).hasValue(1);
    }

    @Test
    void eachVersionHasItsOwnScorer() {
        var kind = new CountingKind(true);
        var first = version(1, "{\"answer\": \"a\"}");
        var second = version(2, "{\"answer\": \"b\"}");

        Verdict fromFirst = scorers.scorer(kind, ORGANIZATION, first).score(SUBJECT);
        Verdict fromSecond = scorers.scorer(kind, ORGANIZATION, second).score(SUBJECT);

        assertThat(kind.configured).hasValue(2);
        assertThat(((Verdict.Scored) fromFirst).reasoning()).isEqualTo("a");
        assertThat(((Verdict.Scored) fromSecond).reasoning()).isEqualTo("b");
    }

    @Test
    void aKindThatIsNotReusableIsConfiguredAtEachUse() {
        var kind = new CountingKind(false);
        var version = version(1, "{\"answer\": \"a\"}");

        scorers.scorer(kind, ORGANIZATION, version);
        scorers.scorer(kind, ORGANIZATION, version);

        assertThat(kind.configured).hasValue(2);
        assertThat(scorers.size()).isZero();
    }

    @Test
    void aConfigurationThatFailsIsNotKept() {
        var kind = new CountingKind(true);
        var broken = version(1, "{}");

        assertThatThrownBy(() -> scorers.scorer(kind, ORGANIZATION, broken))
                .isInstanceOf(InvalidEvaluatorConfigException.class);
        assertThatThrownBy(() -> scorers.scorer(kind, ORGANIZATION, broken))
                .isInstanceOf(InvalidEvaluatorConfigException.class);

        assertThat(kind.configured)
                .as("tried again, not answered from the cache")
                .hasValue(2);
        assertThat(scorers.size()).isZero();
    }

    @Test
    void keepsAtMostItsBound() {
        var bounded = new ConfiguredScorers(10);
        var kind = new CountingKind(true);

        for (int n = 1; n <= 50; n++) {
            bounded.scorer(kind, ORGANIZATION, version(n, "{\"answer\": \"a\"}"));
        }

        assertThat(bounded.size()).isLessThanOrEqualTo(10);
    }

    private static EvaluatorVersion version(int number, String config) {
        return new EvaluatorVersion(
                UUID.randomUUID(),
                EVALUATOR,
                number,
                "counting",
                JsonMapper.builder().build().readTree(config),
                null,
                Instant.parse("2026-12-07T10:00:00Z"));
    }

    /** Answers the configured {@code answer} as its reasoning, and counts how often it was configured. */
    private static final class CountingKind implements EvaluatorKind {
        final AtomicInteger configured = new AtomicInteger();
        private final boolean reusable;

        CountingKind(boolean reusable) {
            this.reusable = reusable;
        }

        @Override
        public String type() {
            return "counting";
        }

        @Override
        public boolean reusable() {
            return reusable;
        }

        @Override
        public Scorer configure(OrganizationId organizationId, JsonNode config) {
            configured.incrementAndGet();
            JsonNode answer = config.get("answer");
            if (answer == null) {
                throw new InvalidEvaluatorConfigException("config.answer", "is required");
            }
            String text = answer.stringValue();
            return subject -> new Verdict.Scored(new ScoreValue.Bool(true), null, text);
        }
    }
}
