package dev.promptline.api.organizations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Tenants;
import dev.promptline.api.testing.TestDatabases;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * An organization never ends up without an owner, even when two owners demote (or remove) each other at the same
 * moment: each change sees what the other left, because both take the organization's row lock first.
 */
class LastOwnerIT extends AuthenticatedApi {
    private static final int ROUNDS = 40;

    @Test
    void twoOwnersDemotingEachOtherAtOnceLeaveOneOwner() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < ROUNDS; round++) {
                Tenants.Tenant tenant = tenants.create("race");
                Tenants.Member first = tenant.owner();
                Tenants.Member second = tenant.member("owner");
                var start = new CyclicBarrier(2);

                Future<HttpResponse<String>> a = threads.submit(() -> {
                    start.await();
                    return http.patchJson("/api/v1/users/" + second.userId(), "{\"role\": \"admin\"}", first.bearer());
                });
                Future<HttpResponse<String>> b = threads.submit(() -> {
                    start.await();
                    return http.patchJson("/api/v1/users/" + first.userId(), "{\"role\": \"admin\"}", second.bearer());
                });
                int statusA = a.get().statusCode();
                int statusB = b.get().statusCode();
                statuses.add(statusA);
                statuses.add(statusB);

                assertThat(ownersOf(tenant.organizationId))
                        .as("owners after round %d", round)
                        .isEqualTo(1);
                // One demotion wins; the other is refused as the last owner's (or, had it run second on a key whose
                // holder was just demoted, as an admin's attempt on an owner).
                assertThat(List.of(statusA, statusB)).containsOnlyOnce(200);
                assertThat(List.of(statusA, statusB)).containsAnyOf(409, 403);
            }
        }
        assertThat(statuses).hasSize(2 * ROUNDS);
    }

    @Test
    void twoOwnersRemovingEachOtherAtOnceLeaveOneOwner() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < ROUNDS; round++) {
                Tenants.Tenant tenant = tenants.create("race");
                Tenants.Member first = tenant.owner();
                Tenants.Member second = tenant.member("owner");
                var start = new CyclicBarrier(2);

                Future<HttpResponse<String>> a = threads.submit(() -> {
                    start.await();
                    return http.delete("/api/v1/users/" + second.userId(), first.bearer());
                });
                Future<HttpResponse<String>> b = threads.submit(() -> {
                    start.await();
                    return http.delete("/api/v1/users/" + first.userId(), second.bearer());
                });
                a.get();
                b.get();

                assertThat(ownersOf(tenant.organizationId))
                        .as("owners after round %d", round)
                        .isEqualTo(1);
            }
        }
    }

    /**
     * The rule holds in the database itself, for writes that do not go through the api: a transaction demoting one
     * owner waits for another demoting the other, then fails once that one has committed.
     */
    @Test
    void theDatabaseRefusesToDemoteTheLastOwnerWhoeverWrites() throws Exception {
        Tenants.Tenant tenant = tenants.create("sql");
        Tenants.Member first = tenant.owner();
        Tenants.Member second = tenant.member("owner");

        try (Connection one = TestDatabases.connect(database());
                Connection two = TestDatabases.connect(database())) {
            one.setAutoCommit(false);
            two.setAutoCommit(false);
            demote(one, first.userId());

            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    demote(two, second.userId());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waitsForALock(two));
            one.commit();

            assertThatThrownBy(waiting::join)
                    .rootCause()
                    .hasMessageContaining(
                            "organization %s would be left without an owner".formatted(tenant.organizationId));
            two.rollback();
        }
        assertThat(ownersOf(tenant.organizationId)).isEqualTo(1);
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM users WHERE id = ?")
                        .param(second.userId())
                        .update())
                .hasMessageContaining("would be left without an owner");
        jdbc.sql("DELETE FROM organizations WHERE id = ?")
                .param(tenant.organizationId)
                .update();
        assertThat(jdbc.sql("SELECT count(*) FROM users WHERE organization_id = ?")
                        .param(tenant.organizationId)
                        .query(Integer.class)
                        .single())
                .as("deleting the organization still takes its owners with it")
                .isZero();
    }

    private static void demote(Connection connection, UUID user) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE users SET role = 'admin' WHERE id = ?")) {
            update.setObject(1, user);
            update.executeUpdate();
        }
    }

    private static boolean waitsForALock(Connection connection) throws SQLException {
        int pid = connection.unwrap(org.postgresql.PGConnection.class).getBackendPID();
        try (Connection observer = TestDatabases.connect(database());
                PreparedStatement query = observer.prepareStatement(
                        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = ?")) {
            query.setInt(1, pid);
            try (var result = query.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private int ownersOf(UUID organization) {
        return jdbc.sql("SELECT count(*) FROM users WHERE organization_id = ? AND role = 'owner'")
                .param(organization)
                .query(Integer.class)
                .single();
    }
}
