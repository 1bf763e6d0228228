package dev.promptline.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Tenants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's session rules, over real HTTP: how a session starts, what it accepts, and every way it ends. */
class ConsoleSessionsIT extends AuthenticatedApi {
    private static final String PROMPT = """
            {"name": "support-triage", "description": "Triage tickets", "tags": ["support"],
             "template": {"format": "text", "text": "Triage {{ticket}}"}, "commitMessage": "first"}
            """;

    private String promptId;

    @BeforeEach
    void createPrompt() {
        var created = http.postJson("/api/v1/prompts", PROMPT, acme.owner().bearer());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        promptId = Http.json(created).get("id").asString();
    }

    @Test
    void signingInSetsAStrictHttpOnlyCookieForTheConsoleAndNeverShowsTheKey() {
        var member = acme.member("member");
        var browser = new ConsoleClient(port);
        browser.get("/console/sign-in");

        var signedIn = browser.post("/console/sign-in", Map.of("apiKey", member.key()));

        assertThat(signedIn.statusCode()).isEqualTo(302);
        String cookie = sessionCookie(signedIn);
        assertThat(cookie)
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/console")
                .as("plain HTTP on loopback: a Secure cookie would be dropped")
                .doesNotContain("Secure");
        var page = browser.get("/console/prompts");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("support-triage").doesNotContain(member.key());
        byte[] stored = jdbc.sql("SELECT token_hash FROM console_sessions WHERE user_id = ?")
                .param(member.userId())
                .query(byte[].class)
                .single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1))
                .as("only the token's hash is kept")
                .doesNotContain(browser.cookie(ConsoleCookies.SESSION));
    }

    @Test
    void theCookiesAreSecureEverywhereButPlainHttpOnLoopback() throws IOException {
        String host = "console.example.test";
        String page = raw("GET /console/sign-in HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        String csrfCookie = header(page, "Set-Cookie: " + ConsoleCookies.CSRF + "=");
        assertThat(csrfCookie).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
        String token = find(page, "name=\"_csrf\" value=\"([^\"]+)\"");
        String cookieValue = find(csrfCookie, ConsoleCookies.CSRF + "=([^;]+)");
        String form = "apiKey=" + URLEncoder.encode(acme.owner().key(), StandardCharsets.UTF_8) + "&_csrf=" + token;

        String signedIn = raw("POST /console/sign-in HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + "Cookie: " + ConsoleCookies.CSRF + "=" + cookieValue + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n"
                + form);

        assertThat(signedIn).startsWith("HTTP/1.1 302");
        assertThat(header(signedIn, "Set-Cookie: " + ConsoleCookies.SESSION + "="))
                .contains("Secure")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/console");
    }

    @Test
    void aWrongKeyIsRefusedInWordsAndOpensNoSession() {
        var browser = new ConsoleClient(port);
        browser.get("/console/sign-in");

        var refused = browser.post("/console/sign-in", Map.of("apiKey", "pl_aaaaaaaaaaaa_" + "b".repeat(43)));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("That API key is invalid, expired or revoked");
        assertThat(refused.headers().allValues("Set-Cookie"))
                .noneMatch(cookie -> cookie.startsWith(ConsoleCookies.SESSION + "=") && !cookie.contains("Max-Age=0"));
        assertThat(sessions()).isZero();
        assertThat(browser.get("/console/prompts").statusCode()).isEqualTo(302);
    }

    @Test
    void aConsolePageWithoutASessionRedirectsToSignIn() {
        var browser = new ConsoleClient(port);

        var response = browser.get("/console/prompts/" + promptId);

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/console/sign-in"));
        var htmx = browser.get("/console/prompts?name=s", Map.of("HX-Request", "true"));
        assertThat(htmx.headers().firstValue("HX-Redirect")).hasValue("/console/sign-in");
    }

    @Test
    void aStateChangingRequestWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        var browser = new ConsoleClient(port);
        browser.signIn(acme.owner().key());
        String move = "/console/prompts/" + promptId + "/labels/move";

        var forged = browser.postRaw(move, Map.of("label", "production", "version", "1"), Map.of());
        var wrongToken = browser.postRaw(
                move,
                Map.of(
                        "label",
                        "production",
                        "version",
                        "1",
                        "_csrf",
                        UUID.randomUUID().toString()),
                Map.of());
        var signInWithoutToken = new ConsoleClient(port)
                .postRaw("/console/sign-in", Map.of("apiKey", acme.owner().key()), Map.of());

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("security token");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(signInWithoutToken.statusCode()).isEqualTo(403);
        assertThat(labels()).isZero();

        var htmx = browser.postRaw(
                move,
                Map.of("label", "production", "version", "1"),
                Map.of("HX-Request", "true", "X-CSRF-Token", browser.csrf()));
        assertThat(htmx.statusCode()).as("htmx sends the token in a header").isEqualTo(302);
        assertThat(labels()).isOne();
    }

    @Test
    void revokingTheKeyEndsTheSessionAtOnce() {
        var member = acme.member("member");
        var browser = new ConsoleClient(port);
        browser.signIn(member.key());
        UUID keyId = jdbc.sql("SELECT id FROM api_keys WHERE user_id = ?")
                .param(member.userId())
                .query(UUID.class)
                .single();

        var revoked = http.postJson(
                "/api/v1/api-keys/" + keyId + "/revoke", "{}", acme.owner().bearer());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        var next = browser.get("/console/prompts");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/console/sign-in?ended"));
        assertThat(browser.get("/console/sign-in?ended").body()).contains("Your session has ended");
        assertThat(sessions()).isZero();
    }

    @Test
    void removingTheUserEndsTheSession() {
        var member = acme.member("member");
        var browser = new ConsoleClient(port);
        browser.signIn(member.key());

        var removed =
                http.delete("/api/v1/users/" + member.userId(), acme.owner().bearer());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);

        assertThat(browser.get("/console/prompts").statusCode()).isEqualTo(302);
    }

    @Test
    void disablingTheOrganizationEndsTheSession() {
        var browser = new ConsoleClient(port);
        browser.signIn(acme.owner().key());

        jdbc.sql("UPDATE organizations SET disabled_at = now() WHERE id = ?")
                .param(acme.organizationId)
                .update();

        assertThat(browser.get("/console/prompts").statusCode()).isEqualTo(302);
    }

    @Test
    void aSessionExpiresWhenIdleAndAfterItsMaximumAge() {
        var idle = new ConsoleClient(port);
        idle.signIn(acme.owner().key());
        var old = new ConsoleClient(port);
        old.signIn(acme.member("member").key());

        jdbc.sql("UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = ?")
                .param(acme.owner().userId())
                .update();
        assertThat(idle.get("/console/prompts").statusCode())
                .as("idle for 31 minutes")
                .isEqualTo(302);

        assertThat(old.get("/console/prompts").statusCode()).as("seen just now").isEqualTo(200);
        jdbc.sql(
                        "UPDATE console_sessions SET created_at = now() - interval '12 hours 1 minute' WHERE organization_id = ?")
                .param(acme.organizationId)
                .update();
        assertThat(old.get("/console/prompts").statusCode())
                .as("busy, but signed in 12 hours ago")
                .isEqualTo(302);
        assertThat(sessions()).isZero();
    }

    @Test
    void signingOutDeletesTheSession() {
        var browser = new ConsoleClient(port);
        browser.signIn(acme.owner().key());
        String token = browser.cookie(ConsoleCookies.SESSION);

        var signedOut = browser.post("/console/sign-out", Map.of());

        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(sessionCookie(signedOut)).contains("Max-Age=0");
        assertThat(sessions()).isZero();
        var replayed = new ConsoleClient(port);
        var response = replayed.get("/console/prompts", Map.of("Cookie", ConsoleCookies.SESSION + "=" + token));
        assertThat(response.statusCode()).as("the old cookie opens nothing").isEqualTo(302);
    }

    @Test
    void aViewerSeesNoWriteActionAndAForgedMoveIsRefused() {
        Tenants.Member viewer = acme.member("viewer");
        var browser = new ConsoleClient(port);
        browser.signIn(viewer.key());

        var page = browser.get("/console/prompts/" + promptId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("support-triage").doesNotContain("Review the move");

        var confirm = browser.get("/console/prompts/" + promptId + "/labels/move?label=production&version=1");
        assertThat(confirm.statusCode()).isEqualTo(403);
        var forged = browser.post(
                "/console/prompts/" + promptId + "/labels/move", Map.of("label", "production", "version", "1"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("Your role does not allow");
        assertThat(labels()).isZero();
    }

    @Test
    void everyConsoleResponseCarriesTheSecurityHeaders() {
        var anonymous = new ConsoleClient(port);
        var viewer = new ConsoleClient(port);
        viewer.signIn(acme.member("viewer").key());
        var owner = new ConsoleClient(port);
        owner.signIn(acme.owner().key());

        List<HttpResponse<String>> responses = List.of(
                anonymous.get("/console/sign-in"),
                anonymous.get("/console/prompts"),
                anonymous.get("/console/assets/console.css"),
                anonymous.get("/console/assets/vendor/htmx.org/dist/htmx.min.js"),
                anonymous.postRaw("/console/sign-out", Map.of(), Map.of()),
                owner.get("/console"),
                owner.get("/console/prompts"),
                owner.get("/console/prompts/" + promptId),
                owner.get("/console/prompts/" + promptId + "/diff?from=1&to=1"),
                owner.get("/console/prompts/" + UUID.randomUUID()),
                viewer.get("/console/prompts/" + promptId + "/labels/move?label=production&version=1"));

        for (var response : responses) {
            String what = response.request().method() + " " + response.uri().getPath() + " " + response.statusCode();
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .as(what)
                    .hasValue(ConsoleSecurityConfiguration.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("X-Content-Type-Options"))
                    .as(what)
                    .hasValue("nosniff");
            assertThat(response.headers().firstValue("Referrer-Policy"))
                    .as(what)
                    .hasValue("same-origin");
            assertThat(response.headers().firstValue("X-Frame-Options"))
                    .as(what)
                    .hasValue("DENY");
        }
        assertThat(ConsoleSecurityConfiguration.CONTENT_SECURITY_POLICY)
                .contains("default-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(responses.get(3).statusCode())
                .as("htmx is served from the jar")
                .isEqualTo(200);
        assertThat(responses.get(9).statusCode()).isEqualTo(404);
        assertThat(responses.get(9).body()).contains("No prompt");
    }

    private int sessions() {
        return jdbc.sql("SELECT count(*) FROM console_sessions WHERE organization_id = ?")
                .param(acme.organizationId)
                .query(Integer.class)
                .single();
    }

    private int labels() {
        return jdbc.sql("SELECT count(*) FROM prompt_labels WHERE prompt_id = ?")
                .param(UUID.fromString(promptId))
                .query(Integer.class)
                .single();
    }

    private static String sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith(ConsoleCookies.SESSION + "="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + response.headers()));
    }

    /** One HTTP/1.1 exchange written by hand: the JDK's client will not send a Host header of our choosing. */
    private String raw(String request) throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            var buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String header(String response, String prefix) {
        return response.lines()
                .filter(line -> line.regionMatches(true, 0, prefix, 0, prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + response));
    }

    private static String find(String text, String regex) {
        var matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(regex + " in " + text).isTrue();
        return matcher.group(1);
    }
}
