package dev.promptline.api.console;

import dev.promptline.api.console.AccessViews.IssuedKeyPage;
import dev.promptline.api.console.AccessViews.KeyForm;
import dev.promptline.api.console.AccessViews.KeyRow;
import dev.promptline.api.console.AccessViews.KeysPage;
import dev.promptline.api.organizations.ApiKey;
import dev.promptline.api.organizations.ApiKeyService;
import dev.promptline.api.organizations.IssuedApiKey;
import dev.promptline.api.organizations.User;
import dev.promptline.api.organizations.UserService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The API keys page: every key of the organization by its prefix, with who holds it, when it was made and last used,
 * and when it expires; admins and owners issue and revoke keys through {@link ApiKeyService}, with its rules (nobody
 * issues or revokes a key above their own role). A new key's secret is in the answer to the issuing POST and
 * nowhere else: not in a redirect, not in the session, not cached, never shown again.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class ApiKeyPagesController {
    private static final int PAGE_SIZE = 50;

    private final ApiKeyService keys;
    private final UserService users;

    ApiKeyPagesController(ApiKeyService keys, UserService users) {
        this.keys = keys;
        this.users = users;
    }

    @GetMapping("/console/api-keys")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable String done,
            Model model) {
        String notice =
                "revoked".equals(done) ? "The key is revoked: it no longer works, and its sessions ended." : null;
        model.addAttribute(
                "page",
                page(caller, pageToken, new KeyForm("", caller.userId().value().toString(), ""), notice, List.of()));
        return "console/apiKeys";
    }

    @PostMapping("/console/api-keys")
    String issue(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String userId,
            @RequestParam(defaultValue = "") String expiresOn,
            Model model,
            HttpServletResponse response) {
        var form = new KeyForm(name.strip(), userId.strip(), expiresOn.strip());
        var errors = new ArrayList<String>();
        if (form.name().isEmpty()) {
            errors.add("The key's name is required.");
        } else if (form.name().length() > 255) {
            errors.add("The key's name is longer than 255 characters.");
        }
        UserId holder = holder(form.userId(), caller, errors);
        Instant expiresAt = expiry(form.expiresOn(), errors);
        if (errors.isEmpty()) {
            try {
                IssuedApiKey issued = keys.issue(caller, holder, form.name(), expiresAt);
                // The only response that ever carries the secret: no store, no cache, no going back to it.
                response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
                model.addAttribute(
                        "page",
                        new IssuedKeyPage(
                                issued.key().name(),
                                "pl_" + issued.key().prefix(),
                                users.get(caller, holder).email(),
                                issued.key().expiresAt() == null
                                        ? "never"
                                        : Figures.time(issued.key().expiresAt()),
                                issued.token()));
                return "console/apiKeyIssued";
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                response.setStatus(refused.code().status());
                errors.add(ConsoleWords.of(refused));
            }
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", page(caller, null, form, null, errors));
        return "console/apiKeys";
    }

    /** The confirmation before a revocation. Admin or owner, as the revocation. */
    @GetMapping("/console/api-keys/{apiKeyId}/revoke")
    String confirmRevoke(@AuthenticationPrincipal Caller caller, @PathVariable UUID apiKeyId, Model model) {
        ApiKey key = keys.get(caller, apiKeyId);
        String yours = key.id().equals(caller.apiKeyId())
                ? " This is the key of your own session: you will be signed out."
                : "";
        model.addAttribute(
                "page",
                new ConfirmView(
                        "Revoke " + key.name() + "?",
                        "The key %s (pl_%s…) stops working at once, and every console session opened with it ends."
                                        .formatted(key.name(), key.prefix())
                                + " This cannot be undone." + yours,
                        "/console/api-keys/" + apiKeyId + "/revoke",
                        "Revoke " + key.name(),
                        "/console/api-keys"));
        return "console/confirm";
    }

    @PostMapping("/console/api-keys/{apiKeyId}/revoke")
    String revoke(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID apiKeyId,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        try {
            keys.revoke(caller, apiKeyId);
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            model.addAttribute(
                    "page",
                    page(
                            caller,
                            null,
                            new KeyForm("", caller.userId().value().toString(), ""),
                            null,
                            List.of(ConsoleWords.of(refused))));
            return "console/apiKeys";
        }
        redirect.addAttribute("done", "revoked");
        return "redirect:/console/api-keys";
    }

    private KeysPage page(
            Caller caller, @Nullable String pageToken, KeyForm form, @Nullable String notice, List<String> errors) {
        Page<ApiKey> page = keys.list(caller, pageToken == null || pageToken.isBlank() ? null : pageToken, PAGE_SIZE);
        List<User> people = allUsers(caller);
        Map<UserId, String> emails = new HashMap<>();
        people.forEach(user -> emails.put(user.id(), user.email()));
        Instant now = Instant.now();
        List<KeyRow> rows = page.items().stream()
                .map(key -> new KeyRow(
                        key.id().toString(),
                        key.name(),
                        "pl_" + key.prefix(),
                        emails.getOrDefault(key.userId(), "(removed user)"),
                        Figures.time(key.createdAt()),
                        key.lastUsedAt() == null ? "never" : Figures.time(key.lastUsedAt()),
                        key.expiresAt() == null ? "never" : Figures.time(key.expiresAt()),
                        status(key, now),
                        key.id().equals(caller.apiKeyId())))
                .toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/api-keys?pageToken=" + URLEncoder.encode(page.nextPageToken(), StandardCharsets.UTF_8);
        List<Choice> choices = people.stream()
                .map(user -> new Choice(
                        user.id().value().toString(),
                        user.email() + " (" + user.role().value() + ")"))
                .toList();
        return new KeysPage(rows, next, choices, form, notice, errors);
    }

    private List<User> allUsers(Caller caller) {
        var all = new ArrayList<User>();
        String token = null;
        do {
            Page<User> page = users.list(caller, token, 100);
            all.addAll(page.items());
            token = page.nextPageToken();
        } while (token != null && all.size() < 1_000);
        return all;
    }

    private static String status(ApiKey key, Instant now) {
        if (key.revokedAt() != null) {
            return "revoked";
        }
        return key.expiresAt() != null && !key.expiresAt().isAfter(now) ? "expired" : "active";
    }

    private static UserId holder(String value, Caller caller, List<String> errors) {
        if (value.isEmpty()) {
            return caller.userId();
        }
        try {
            return new UserId(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            errors.add("The user '%s' is not one of the choices.".formatted(value));
            return caller.userId();
        }
    }

    /** A key expires at the start of the chosen day (UTC); the service refuses a day that is not in the future. */
    private static @Nullable Instant expiry(String value, List<String> errors) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.add("The expiry must be a date such as 2027-01-31.");
            return null;
        }
    }
}
