package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.testing.TestRedis;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Playground runs held in a real Redis: the replica that holds a run need not be the one whose stream takes it. */
class PlaygroundRunsAcrossReplicasIT {
    private static final String PREFIX = "it-" + UUID.randomUUID() + ":";

    private static TestRedis.Connection connection;
    private static StringRedisTemplate redis;

    private final Caller member = new Caller(
            new OrganizationId(UUID.randomUUID()), new UserId(UUID.randomUUID()), Role.MEMBER, UUID.randomUUID());
    private final PlaygroundRuns.Run run = new PlaygroundRuns.Run(
            UUID.randomUUID(),
            3,
            Map.of("ticket", "I was charged twice"),
            UUID.randomUUID(),
            new ModelParameters(0.2, null, 64, null));

    @BeforeAll
    static void connect() {
        connection = TestRedis.connect(PREFIX);
        redis = connection.redis();
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @Test
    void aRunHeldByOneReplicaIsTakenOnceByAnotherAndExpiresInRedis() {
        String id = replica().hold(member, run);

        Long ttl = redis.getExpire(PREFIX + "playground:" + id);
        assertThat(ttl).isBetween(1L, PlaygroundRuns.LIFETIME.toSeconds());
        assertThat(replica().take(member, id)).contains(run);
        assertThat(replica().take(member, id)).isEmpty();
    }

    @Test
    void twoStreamsAskingAtOnceGetItOnlyOnce() throws Exception {
        String id = replica().hold(member, run);
        Callable<Boolean> take = () -> replica().take(member, id).isPresent();

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Boolean> taken = threads.invokeAll(List.of(take, take, take, take)).stream()
                    .map(result -> {
                        try {
                            return result.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
            assertThat(taken).containsOnlyOnce(true);
        }
    }

    @Test
    void anotherKeyCannotTakeItAndSpendsIt() {
        String id = replica().hold(member, run);
        var otherKey = new Caller(member.organizationId(), member.userId(), member.role(), UUID.randomUUID());

        assertThat(replica().take(otherKey, id)).isEmpty();
        assertThat(replica().take(member, id)).isEmpty();
    }

    private static PlaygroundRuns replica() {
        return new PlaygroundRuns(redis, PREFIX, JsonMapper.shared(), Clock.systemUTC());
    }
}
