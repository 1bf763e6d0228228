package dev.promptline.api.console;

import dev.promptline.api.console.ConsoleViews.DiffPage;
import dev.promptline.api.console.ConsoleViews.LabelRow;
import dev.promptline.api.console.ConsoleViews.MovePage;
import dev.promptline.api.console.ConsoleViews.PromptHeader;
import dev.promptline.api.console.ConsoleViews.PromptPage;
import dev.promptline.api.console.ConsoleViews.PromptRow;
import dev.promptline.api.console.ConsoleViews.PromptsPage;
import dev.promptline.api.console.ConsoleViews.VersionRow;
import dev.promptline.api.models.ModelId;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.organizations.User;
import dev.promptline.api.organizations.UserService;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.tenancy.UserId;
import dev.promptline.api.platform.web.Page;
import dev.promptline.api.prompts.Prompt;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import dev.promptline.api.prompts.PromptVersion;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
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
 * The prompt pages: the list (search by name, filter by tag), a prompt with its versions and labels, the diff of any
 * two versions, and moving a label (promote or roll back) after a confirmation that shows what changes. Everything
 * goes through {@link PromptService}, as the REST API does, so label policies apply here too.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class PromptPagesController {
    private static final int PAGE_SIZE = 25;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,99}");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final PromptService prompts;
    private final UserService users;
    private final ModelService models;
    private final LabelPolicyViews policies;

    PromptPagesController(PromptService prompts, UserService users, ModelService models, LabelPolicyViews policies) {
        this.prompts = prompts;
        this.users = users;
        this.models = models;
        this.policies = policies;
    }

    @GetMapping("/console/prompts")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String name,
            @RequestParam(required = false) @Nullable String tag,
            @RequestParam(required = false) @Nullable String pageToken,
            HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response,
            Model model) {
        String nameFilter = name == null ? "" : name.strip();
        String tagFilter = tag == null ? "" : tag.strip();
        Page<Prompt> page = prompts.list(
                caller, blankToNull(nameFilter), blankToNull(tagFilter), null, blankToNull(pageToken), PAGE_SIZE);
        List<PromptRow> rows = page.items().stream()
                .map(prompt -> new PromptRow(
                        prompt.id().value().toString(),
                        prompt.name(),
                        prompt.description(),
                        prompt.tags(),
                        prompt.latestVersion(),
                        labels(prompt),
                        TIME.format(prompt.updatedAt())))
                .toList();
        String next = page.nextPageToken() == null
                ? null
                : "/console/prompts?name=%s&tag=%s&pageToken=%s"
                        .formatted(encode(nameFilter), encode(tagFilter), encode(page.nextPageToken()));
        model.addAttribute("page", new PromptsPage(nameFilter, tagFilter, rows, next));
        // htmx asks for the results only, as the search box changes; restoring history wants the whole page.
        response.addHeader("Vary", "HX-Request");
        boolean fragment =
                ConsoleSecurityConfiguration.isHtmx(request) && request.getHeader("HX-History-Restore-Request") == null;
        return fragment ? "console/promptResults" : "console/prompts";
    }

    @GetMapping("/console/prompts/{promptId}")
    String prompt(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable String moved,
            Model model) {
        Prompt prompt = find(caller, promptId);
        Page<PromptVersion> versions = prompts.versions(caller, prompt.id(), blankToNull(pageToken), PAGE_SIZE);
        Map<Integer, List<String>> labelsByVersion = new HashMap<>();
        labels(prompt)
                .forEach(label -> labelsByVersion
                        .computeIfAbsent(label.version(), version -> new ArrayList<>())
                        .add(label.name()));
        Map<UserId, String> authors = new HashMap<>();
        List<VersionRow> rows = versions.items().stream()
                .map(version -> new VersionRow(
                        version.version(),
                        version.commitMessage(),
                        author(caller, version.createdBy(), authors),
                        TIME.format(version.createdAt()),
                        labelsByVersion.getOrDefault(version.version(), List.of())))
                .toList();
        String older = versions.nextPageToken() == null
                ? null
                : "/console/prompts/%s?pageToken=%s".formatted(promptId, encode(versions.nextPageToken()));
        String notice = moved == null
                        || !LABEL.matcher(moved).matches()
                        || !prompt.labels().containsKey(moved)
                ? null
                : "The label '%s' now points at version %d."
                        .formatted(moved, prompt.labels().get(moved));
        model.addAttribute(
                "page",
                new PromptPage(
                        header(prompt), policies.labels(caller, prompt), rows, older, versionNumbers(prompt), notice));
        return "console/prompt";
    }

    @GetMapping("/console/prompts/{promptId}/diff")
    String diff(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam int from,
            @RequestParam int to,
            Model model) {
        Prompt prompt = find(caller, promptId);
        PromptVersion before = version(caller, prompt, from);
        PromptVersion after = version(caller, prompt, to);
        model.addAttribute(
                "page",
                new DiffPage(
                        header(prompt),
                        from,
                        to,
                        versionNumbers(prompt),
                        VersionDiffs.templates(before, after),
                        VersionDiffs.parameters(before, after, modelNames(caller))));
        return "console/diff";
    }

    /** The confirmation step: what moving the label would change. Member or above, as the move itself. */
    @GetMapping("/console/prompts/{promptId}/labels/move")
    String confirmMove(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam String label,
            @RequestParam int version,
            Model model) {
        model.addAttribute("page", movePage(caller, promptId, label, version, null));
        return "console/move";
    }

    @PostMapping("/console/prompts/{promptId}/labels/move")
    String move(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID promptId,
            @RequestParam String label,
            @RequestParam int version,
            @RequestParam(required = false) @Nullable String overrideReason,
            Model model,
            RedirectAttributes redirect,
            jakarta.servlet.http.HttpServletResponse response) {
        requireLabel(label);
        try {
            prompts.setLabel(caller, new PromptId(promptId), label, version, blankToNull(overrideReason));
        } catch (PromptlineException refused) {
            if (refused.code().status() >= 500) {
                throw refused;
            }
            // Refused by the label's policy (or the version vanished): the same confirmation, with why in words.
            response.setStatus(refused.code().status());
            model.addAttribute("page", movePage(caller, promptId, label, version, refused.getMessage()));
            return "console/move";
        }
        redirect.addAttribute("moved", label);
        return "redirect:/console/prompts/" + promptId;
    }

    private MovePage movePage(Caller caller, UUID promptId, String label, int version, @Nullable String error) {
        requireLabel(label);
        Prompt prompt = find(caller, promptId);
        Integer current = prompt.labels().get(label);
        PromptVersion candidate = version(caller, prompt, version);
        PromptVersion before = current == null ? null : version(caller, prompt, current);
        var gate =
                current != null && current == version ? null : policies.check(caller, prompt, label, before, candidate);
        return new MovePage(
                header(prompt),
                label,
                current,
                version,
                VersionDiffs.templates(before, candidate),
                VersionDiffs.parameters(before, candidate, modelNames(caller)),
                gate,
                caller.role() == Role.OWNER,
                prompt.splits().containsKey(label)
                        ? LabelPolicyViews.split(prompt.splits().get(label))
                        : null,
                error);
    }

    private Prompt find(Caller caller, UUID promptId) {
        return prompts.get(caller, new PromptId(promptId), new PromptService.Selector(null, null))
                .prompt();
    }

    private PromptVersion version(Caller caller, Prompt prompt, int number) {
        return prompts.get(caller, prompt.id(), new PromptService.Selector(number, null))
                .version();
    }

    private VersionDiffs.ModelNames modelNames(Caller caller) {
        return modelId -> models.find(caller.organizationId(), new ModelId(modelId))
                .map(found -> found.name())
                .orElse("(removed model " + modelId + ")");
    }

    private String author(Caller caller, @Nullable UserId userId, Map<UserId, String> known) {
        if (userId == null) {
            return "(removed user)";
        }
        return known.computeIfAbsent(userId, id -> {
            try {
                User user = users.get(caller, id);
                return user.name() == null || user.name().isBlank() ? user.email() : user.name();
            } catch (PromptlineException e) {
                return "(removed user)";
            }
        });
    }

    private static void requireLabel(String label) {
        if (!LABEL.matcher(label).matches()) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER,
                    "A label is 1 to 100 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    static PromptHeader header(Prompt prompt) {
        return new PromptHeader(
                prompt.id().value().toString(),
                prompt.name(),
                prompt.description(),
                prompt.tags(),
                prompt.latestVersion());
    }

    private static List<LabelRow> labels(Prompt prompt) {
        return prompt.labels().entrySet().stream()
                .map(entry -> new LabelRow(entry.getKey(), entry.getValue()))
                .sorted(java.util.Comparator.comparing(LabelRow::name))
                .toList();
    }

    private static List<Integer> versionNumbers(Prompt prompt) {
        return IntStream.rangeClosed(1, prompt.latestVersion())
                .boxed()
                .sorted(java.util.Comparator.reverseOrder())
                .toList();
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
