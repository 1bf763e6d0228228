package dev.promptline.api.console;

import dev.promptline.api.console.AccessViews.InviteForm;
import dev.promptline.api.console.AccessViews.UserRow;
import dev.promptline.api.console.AccessViews.UsersPage;
import dev.promptline.api.organizations.User;
import dev.promptline.api.organizations.UserService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The users page: who is in the organization with which role; admins and owners invite a user (create them with a
 * role, as {@code POST /api/v1/users} does, then issue them a key on the API keys page), change a role and remove a
 * user. Everything goes through {@link UserService}, so its rules (nobody acts above their own role, an organization
 * keeps an owner) and refusals are the REST API's.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class UserPagesController {
    private static final int PAGE_SIZE = 50;
    // The REST API's check on an address: the database's rule too.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Map<String, String> NOTICES = Map.of(
            "invited", "The user is added. Issue them an API key so that they can sign in.",
            "changed", "The role is changed; it applies to their next request.",
            "removed", "The user is removed; their keys and sessions no longer work.");

    private final UserService users;

    UserPagesController(UserService users) {
        this.users = users;
    }

    @GetMapping("/console/users")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable String done,
            Model model) {
        model.addAttribute(
                "page", page(caller, pageToken, InviteForm.EMPTY, done == null ? null : NOTICES.get(done), List.of()));
        return "console/users";
    }

    @PostMapping("/console/users")
    String invite(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String role,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var form = new InviteForm(email.strip(), name.strip(), role);
        var errors = new ArrayList<String>();
        if (form.email().isEmpty()) {
            errors.add("The email address is required.");
        } else if (form.email().length() > 320 || !EMAIL.matcher(form.email()).matches()) {
            errors.add("The email address must be an address such as ann@example.com.");
        }
        if (form.name().length() > 255) {
            errors.add("The name is longer than 255 characters.");
        }
        Role parsedRole = role(role, errors);
        if (errors.isEmpty()) {
            try {
                users.create(caller, form.email(), form.name().isEmpty() ? null : form.name(), parsedRole);
                redirect.addAttribute("done", "invited");
                return "redirect:/console/users";
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
        return "console/users";
    }

    @PostMapping("/console/users/{userId}/role")
    String changeRole(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID userId,
            @RequestParam(defaultValue = "") String role,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var errors = new ArrayList<String>();
        Role parsed = role(role, errors);
        return refusedOr(
                caller,
                errors,
                model,
                redirect,
                response,
                "changed",
                () -> users.update(caller, new UserId(userId), null, parsed));
    }

    /** The confirmation before a removal. Admin or owner, as the removal. */
    @GetMapping("/console/users/{userId}/remove")
    String confirmRemove(@AuthenticationPrincipal Caller caller, @PathVariable UUID userId, Model model) {
        User user = users.get(caller, new UserId(userId));
        model.addAttribute(
                "page",
                new ConfirmView(
                        "Remove " + user.email() + "?",
                        "%s (%s) will be removed from the organization: their API keys stop working and their console"
                                        .formatted(user.email(), user.role().value())
                                + " sessions end at once. This cannot be undone; invite them again to add them back.",
                        "/console/users/" + userId + "/remove",
                        "Remove " + user.email(),
                        "/console/users"));
        return "console/confirm";
    }

    @PostMapping("/console/users/{userId}/remove")
    String remove(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID userId,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        return refusedOr(
                caller,
                new ArrayList<>(),
                model,
                redirect,
                response,
                "removed",
                () -> users.delete(caller, new UserId(userId)));
    }

    /** Does the change when the form had no mistakes; otherwise, or when refused, the list with why in words. */
    private String refusedOr(
            Caller caller,
            List<String> errors,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response,
            String done,
            Runnable change) {
        if (errors.isEmpty()) {
            try {
                change.run();
                redirect.addAttribute("done", done);
                return "redirect:/console/users";
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
        model.addAttribute("page", page(caller, null, InviteForm.EMPTY, null, errors));
        return "console/users";
    }

    private UsersPage page(
            Caller caller,
            @Nullable String pageToken,
            InviteForm invite,
            @Nullable String notice,
            List<String> errors) {
        Page<User> page = users.list(caller, pageToken == null || pageToken.isBlank() ? null : pageToken, PAGE_SIZE);
        List<UserRow> rows = page.items().stream()
                .map(user -> new UserRow(
                        user.id().value().toString(),
                        user.email(),
                        user.name() == null ? "" : user.name(),
                        user.role().value(),
                        Figures.time(user.createdAt()),
                        user.id().equals(caller.userId())))
                .toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/users?pageToken=" + URLEncoder.encode(page.nextPageToken(), StandardCharsets.UTF_8);
        return new UsersPage(rows, next, invite, notice, errors);
    }

    private static @Nullable Role role(String value, List<String> errors) {
        if (AccessViews.ROLES.contains(value)) {
            return Role.fromValue(value);
        }
        errors.add("The role must be one of owner, admin, member or viewer.");
        return null;
    }
}
