package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A label's traffic split: its executions run one of several versions, each picked in proportion to its weight, while
 * the label keeps pointing at its own version (what it goes back to when the split is removed). Every change of a
 * split is a new split with a new id.
 *
 * <p>A caller's key (a user or session id) always gets the same arm: the key is hashed with the prompt and the label
 * (SHA-256), the hash is read as a point in [0, 1), and the point lands in the arm whose share of the weights covers
 * it, the arms laid end to end in their order. The split's id is deliberately not in the hash: growing an arm (10%,
 * then 20%, then 50%) keeps every key where it was except those the new share takes over, so a user does not flip
 * between versions during a ramp-up. Without a key the pick is weighted random.
 *
 * @param arms two to ten, each naming a different version
 */
public record LabelSplit(
        UUID id, String label, List<Arm> arms, @Nullable UUID createdBy, Instant createdAt) {
    /** The most arms a split has: past this, each arm's figures take too long to mean anything. */
    public static final int MAX_ARMS = 10;

    /** The largest weight of one arm; weights are relative, so this only bounds the sum. */
    public static final int MAX_WEIGHT = 1_000_000;

    /** A version and its weight, a positive integer relative to the other arms' weights. */
    public record Arm(int version, int weight) {
        public Arm {
            if (version < 1 || weight < 1) {
                throw new IllegalArgumentException("An arm has a version and a weight of at least 1");
            }
        }
    }

    public LabelSplit {
        requireNonNull(id, "id is null");
        requireNonNull(label, "label is null");
        arms = List.copyOf(requireNonNull(arms, "arms is null"));
        requireNonNull(createdAt, "createdAt is null");
        if (arms.size() < 2 || arms.size() > MAX_ARMS) {
            throw new IllegalArgumentException("A split has 2 to " + MAX_ARMS + " arms");
        }
    }

    /** The sum of the arms' weights. */
    public long totalWeight() {
        return arms.stream().mapToLong(Arm::weight).sum();
    }

    /** The arm for an execution: the key's own arm when a key is given, else one picked at random by weight. */
    public Arm pick(PromptId promptId, @Nullable String key, RandomGenerator random) {
        double point = key == null ? random.nextDouble() : point(promptId, label, key);
        return armAt(point);
    }

    /** The arm whose share covers {@code point}, a number in [0, 1), the arms laid end to end in their order. */
    Arm armAt(double point) {
        double target = point * totalWeight();
        long end = 0;
        for (Arm arm : arms) {
            end += arm.weight();
            if (target < end) {
                return arm;
            }
        }
        return arms.getLast(); // only reachable through rounding at the very top of the range
    }

    /**
     * Where a key falls in [0, 1) for a prompt's label: the first 53 bits of SHA-256 over the prompt id, the label and
     * the key. The same on every replica and across restarts, and spread evenly whatever the keys look like.
     */
    static double point(PromptId promptId, String label, String key) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((promptId.value() + "\n" + label + "\n" + key).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
    }
}
