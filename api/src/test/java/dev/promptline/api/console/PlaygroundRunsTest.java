package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Runs held in this replica's memory: without Redis, or while it fails. */
class PlaygroundRunsTest {
    private final MovableClock clock = new MovableClock();
    private final PlaygroundRuns runs = new PlaygroundRuns(null, "test:", JsonMapper.shared(), clock);
    private final Caller member = caller(UUID.randomUUID());
    private final PlaygroundRuns.Run request =
            new PlaygroundRuns.Run(UUID.randomUUID(), 2, Map.of("ticket", "x"), null, ModelParameters.NONE);

    @Test
    void aHeldRunIsTakenOnceByWhoeverHeldIt() {
        String id = runs.hold(member, request);

        assertThat(id).hasSizeGreaterThanOrEqualTo(32);
        assertThat(runs.take(member, id)).contains(request);
        assertThat(runs.take(member, id)).isEmpty();
    }

    @Test
    void anotherKeyOrUserCannotTakeIt() {
        String id = runs.hold(member, request);
        var sameUserOtherKey = new Caller(member.organizationId(), member.userId(), member.role(), UUID.randomUUID());

        assertThat(runs.take(sameUserOtherKey, id)).isEmpty();
        assertThat(runs.take(member, id)).as("a wrong taker spends it").isEmpty();
        assertThat(runs.take(caller(UUID.randomUUID()), runs.hold(member, request)))
                .isEmpty();
    }

    @Test
    void aRunExpiresAfterAMinute() {
        String id = runs.hold(member, request);

        clock.advance(PlaygroundRuns.LIFETIME.plusSeconds(1));

        assertThat(runs.take(member, id)).isEmpty();
    }

    private Caller caller(UUID user) {
        return new Caller(new OrganizationId(UUID.randomUUID()), new UserId(user), Role.MEMBER, UUID.randomUUID());
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
