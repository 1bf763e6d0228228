package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Tenants.Member;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The budgets page over real HTTP: each cap with its window's spent, held and remaining money and its reset; admins
 * and owners set, change and remove caps with the REST API's limits and refusals in words; other roles read only;
 * every change needs the form's CSRF token.
 */
class ConsoleBudgetPagesIT extends AuthenticatedApi {
    private Member admin;
    private Member member;
    private ConsoleClient browser;

    @BeforeEach
    void signIn() {
        admin = acme.member("admin");
        member = acme.member("member");
        browser = new ConsoleClient(port);
        browser.signIn(admin.key());
    }

    @Test
    void anAdminSetsCapsAndSeesWhatIsSpentHeldAndLeftAndWhenItResets() {
        assertThat(browser.get("/console/budgets").body()).contains("No caps: executions spend without a limit.");

        var organization =
                browser.post("/console/budgets", Map.of("scope", "organization", "period", "day", "limit", "5"));
        var key = browser.post(
                "/console/budgets",
                Map.of("scope", keyOf(member.userId()).toString(), "period", "month", "limit", "2.5"));

        assertThat(organization.statusCode()).as(organization.body()).isEqualTo(302);
        assertThat(key.statusCode()).as(key.body()).isEqualTo(302);
        UUID daily = budgetId("day");
        jdbc.sql("INSERT INTO budget_windows (budget_id, starts_at, spent_usd, reserved_usd) VALUES (?, ?, 1.25, 0.5)")
                .params(
                        daily,
                        LocalDate.now(ZoneOffset.UTC)
                                .atStartOfDay(ZoneOffset.UTC)
                                .toOffsetDateTime())
                .update();
        String page = browser.get("/console/budgets?done=set").body();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1) + " 00:00:00 UTC";
        assertThat(page)
                .contains("The cap is set", "The organization", "$5", "$1.25", "$0.5", "$3.25", tomorrow)
                .contains("API key test (pl_", "$2.5", "month");
    }

    @Test
    void badLimitsAndASecondCapOfTheSameScopeAndPeriodSetNothing() {
        browser.get("/console/budgets");
        browser.post("/console/budgets", Map.of("scope", "organization", "period", "day", "limit", "5"));

        var negative =
                browser.post("/console/budgets", Map.of("scope", "organization", "period", "month", "limit", "-1"));
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).contains("The limit must be US dollars more than 0");
        var words = browser.post("/console/budgets", Map.of("scope", "organization", "period", "week", "limit", "a"));
        assertThat(words.body()).contains("The period must be day or month.", "The limit must be US dollars");
        var unknownKey = browser.post(
                "/console/budgets", Map.of("scope", UUID.randomUUID().toString(), "period", "day", "limit", "1"));
        assertThat(unknownKey.statusCode()).isEqualTo(400);
        assertThat(unknownKey.body()).contains("No API key");
        var twice = browser.post("/console/budgets", Map.of("scope", "organization", "period", "day", "limit", "9"));
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.body()).contains("The organization already has a day budget; change its limit instead.");
        assertThat(budgetCount()).isEqualTo(1);
        assertThat(limit(budgetId("day"))).isEqualByComparingTo("5");
    }

    @Test
    void anAdminChangesALimitAndRemovesACap() {
        browser.get("/console/budgets");
        browser.post("/console/budgets", Map.of("scope", "organization", "period", "month", "limit", "100"));
        UUID id = budgetId("month");

        var changed = browser.post("/console/budgets/" + id, Map.of("limit", "250.50"));
        assertThat(changed.statusCode()).isEqualTo(302);
        assertThat(limit(id)).isEqualByComparingTo("250.5");
        var refused = browser.post("/console/budgets/" + id, Map.of("limit", "0"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("The limit must be US dollars more than 0");
        assertThat(limit(id)).isEqualByComparingTo("250.5");

        var confirm = browser.get("/console/budgets/" + id + "/remove");
        assertThat(confirm.body()).contains("Remove this cap?", "The month cap of $250.5 on the organization");
        assertThat(budgetCount()).isEqualTo(1);
        var removed = browser.post("/console/budgets/" + id + "/remove", Map.of());
        assertThat(removed.statusCode()).isEqualTo(302);
        assertThat(budgetCount()).isZero();
        assertThat(browser.get("/console/budgets?done=removed").body()).contains("The cap is removed.");
    }

    @Test
    void membersAndViewersReadCapsButChangeNothing() {
        browser.get("/console/budgets");
        browser.post("/console/budgets", Map.of("scope", "organization", "period", "day", "limit", "5"));
        UUID id = budgetId("day");
        for (String role : new String[] {"member", "viewer"}) {
            var reader = new ConsoleClient(port);
            reader.signIn(acme.member(role).key());

            String page = reader.get("/console/budgets").body();

            assertThat(page).contains("The organization", "$5").doesNotContain("budget-form", "Remove");
            assertThat(reader.post("/console/budgets", Map.of("scope", "organization", "period", "month", "limit", "1"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/budgets/" + id, Map.of("limit", "1000"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(reader.get("/console/budgets/" + id + "/remove").statusCode())
                    .isEqualTo(403);
            assertThat(reader.post("/console/budgets/" + id + "/remove", Map.of())
                            .statusCode())
                    .isEqualTo(403);
        }
        assertThat(budgetCount()).isEqualTo(1);
        assertThat(limit(id)).isEqualByComparingTo("5");
    }

    @Test
    void everyChangeNeedsTheFormsCsrfToken() {
        browser.get("/console/budgets");
        browser.post("/console/budgets", Map.of("scope", "organization", "period", "day", "limit", "5"));
        UUID id = budgetId("day");

        for (String path :
                new String[] {"/console/budgets", "/console/budgets/" + id, "/console/budgets/" + id + "/remove"}) {
            var response =
                    browser.postRaw(path, Map.of("scope", "organization", "period", "month", "limit", "7"), Map.of());
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.body()).contains("This form has expired");
        }
        assertThat(budgetCount()).isEqualTo(1);
        assertThat(limit(id)).isEqualByComparingTo("5");
    }

    private UUID keyOf(UUID userId) {
        return jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(userId)
                .query(UUID.class)
                .single();
    }

    private UUID budgetId(String period) {
        return jdbc.sql("SELECT id FROM budgets WHERE organization_id = ? AND period = ? AND api_key_id IS NULL")
                .params(acme.organizationId, period)
                .query(UUID.class)
                .single();
    }

    private BigDecimal limit(UUID id) {
        return jdbc.sql("SELECT limit_usd FROM budgets WHERE id = ?")
                .param(id)
                .query(BigDecimal.class)
                .single();
    }

    private int budgetCount() {
        return jdbc.sql("SELECT count(*) FROM budgets WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }
}
