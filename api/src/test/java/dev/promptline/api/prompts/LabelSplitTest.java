package dev.promptline.api.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The sticky assignment of a split: the same key lands on the same arm, keys spread by weight, ramps keep keys. */
class LabelSplitTest {
    private static final PromptId PROMPT = new PromptId(UUID.fromString("6f1c9a52-8f0e-4bd1-9d43-3c2f6a0c1e77"));
    private static final Random UNUSED = new Random(0);

    @Test
    void theSameKeyGetsTheSameArmEveryTimeAndAfterTheSplitIsSetAgain() {
        LabelSplit split = split(90, 10);
        LabelSplit again = split(90, 10); // a new split with a new id, same arms

        for (int i = 0; i < 200; i++) {
            String key = "user-" + i;
            int version = split.pick(PROMPT, key, UNUSED).version();
            assertThat(split.pick(PROMPT, key, new Random(i)).version()).isEqualTo(version);
            assertThat(again.pick(PROMPT, key, UNUSED).version()).isEqualTo(version);
        }
    }

    @Test
    void thePointOfAKeyIsFixed() {
        // Pinned so that a change of the hashing rule, which would move every caller to another arm, is noticed.
        assertThat(LabelSplit.point(PROMPT, "production", "alice")).isEqualTo(0.9100873134343137);
        assertThat(split(90, 10).pick(PROMPT, "alice", UNUSED).version()).isEqualTo(2);
        assertThat(split(95, 5).pick(PROMPT, "alice", UNUSED).version()).isEqualTo(1);
        assertThat(LabelSplit.point(PROMPT, "staging", "alice"))
                .isNotEqualTo(LabelSplit.point(PROMPT, "production", "alice"));
    }

    @Test
    void keysSpreadOverTheArmsByWeight() {
        LabelSplit split = split(90, 10);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(split.pick(PROMPT, "session-" + i, UNUSED).version(), 1, Integer::sum);
        }
        // Binomial(10 000, 0.1): sd 30; 5 sd either side.
        assertThat(counts.get(2)).isBetween(850, 1150);
        assertThat(counts.get(1) + counts.get(2)).isEqualTo(10_000);
    }

    @Test
    void withoutAKeyThePickIsRandomByWeight() {
        LabelSplit split = split(1, 3);
        var random = new Random(42);
        int second = 0;
        for (int i = 0; i < 4_000; i++) {
            if (split.pick(PROMPT, null, random).version() == 2) {
                second++;
            }
        }
        // Binomial(4 000, 0.75): sd 27.4; 5 sd either side.
        assertThat(second).isBetween(2863, 3137);
    }

    @Test
    void growingTheSecondArmMovesOnlyKeysIntoIt() {
        LabelSplit ten = split(90, 10);
        LabelSplit twenty = split(80, 20);
        int moved = 0;
        for (int i = 0; i < 5_000; i++) {
            String key = "k" + i;
            int before = ten.pick(PROMPT, key, UNUSED).version();
            int after = twenty.pick(PROMPT, key, UNUSED).version();
            if (before == 2) {
                assertThat(after).as(key).isEqualTo(2);
            }
            if (before != after) {
                moved++;
            }
        }
        assertThat(moved).isBetween(350, 650); // about 10% of the keys join the grown arm
    }

    @Test
    void armsLieEndToEndInTheirOrder() {
        LabelSplit split = new LabelSplit(
                UUID.randomUUID(),
                "production",
                List.of(new LabelSplit.Arm(3, 1), new LabelSplit.Arm(1, 2), new LabelSplit.Arm(2, 1)),
                null,
                Instant.now());

        assertThat(split.armAt(0.0).version()).isEqualTo(3);
        assertThat(split.armAt(0.2499).version()).isEqualTo(3);
        assertThat(split.armAt(0.25).version()).isEqualTo(1);
        assertThat(split.armAt(0.7499).version()).isEqualTo(1);
        assertThat(split.armAt(0.75).version()).isEqualTo(2);
        assertThat(split.armAt(0.9999999).version()).isEqualTo(2);
    }

    @Test
    void aSplitHasTwoToTenArmsOfPositiveWeight() {
        assertThatThrownBy(() ->
                        new LabelSplit(UUID.randomUUID(), "p", List.of(new LabelSplit.Arm(1, 1)), null, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LabelSplit.Arm(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static LabelSplit split(int first, int second) {
        return new LabelSplit(
                UUID.randomUUID(),
                "production",
                List.of(new LabelSplit.Arm(1, first), new LabelSplit.Arm(2, second)),
                null,
                Instant.now());
    }
}
