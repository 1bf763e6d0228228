package dev.promptline.api.console;

import dev.promptline.api.console.DatasetViews.CreateForm;
import dev.promptline.api.console.DatasetViews.DatasetPage;
import dev.promptline.api.console.DatasetViews.DatasetRow;
import dev.promptline.api.console.DatasetViews.DatasetsPage;
import dev.promptline.api.console.DatasetViews.ItemRow;
import dev.promptline.api.console.DatasetViews.VersionRow;
import dev.promptline.api.datasets.Dataset;
import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetItem;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.datasets.DatasetService.UploadFormat;
import dev.promptline.api.datasets.DatasetVersion;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dataset pages: the list (and creating a dataset), and a dataset with its versions and a version's items, paged,
 * with the upload of a JSONL or CSV file as a new version. Every change goes through {@link DatasetService}, as
 * {@code /api/v1/datasets} does: an upload with a bad line is refused whole, in the service's words, which name the
 * line.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class DatasetPagesController {
    static final int PAGE_SIZE = 50;
    private static final int ITEMS_PAGE = 25;
    private static final int VERSIONS_PAGE = 20;
    private static final Map<String, String> NOTICES = Map.of(
            "created", "The dataset is created, empty: upload items.",
            "uploaded", "The file is uploaded as a new version.",
            "collected", "The checked executions are added as a new version.");

    private final DatasetService datasets;
    private final EvaluationNames names;

    DatasetPagesController(DatasetService datasets, EvaluationNames names) {
        this.datasets = datasets;
        this.names = names;
    }

    @GetMapping("/console/datasets")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String pageToken,
            Model model) {
        model.addAttribute("page", listPage(caller, pageToken, CreateForm.EMPTY, List.of()));
        return "console/datasets";
    }

    @PostMapping("/console/datasets")
    String create(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String description,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var form = new CreateForm(name.strip(), description.strip());
        var errors = new ArrayList<String>();
        // The REST API's rules for a dataset's name and description.
        if (form.name().isEmpty() || form.name().length() > 255 || form.name().contains("/")) {
            errors.add("The name is required: 1 to 255 characters, without '/'.");
        }
        if (form.description().length() > 10_000) {
            errors.add("The description is at most 10,000 characters.");
        }
        if (errors.isEmpty()) {
            try {
                var created = datasets.create(caller, form.name(), form.description(), List.of());
                redirect.addAttribute("done", "created");
                return "redirect:/console/datasets/" + created.dataset().id().value();
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
                response.setStatus(refused.code().status());
            }
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", listPage(caller, null, form, errors));
        return "console/datasets";
    }

    @GetMapping("/console/datasets/{datasetId}")
    String dataset(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @RequestParam(required = false) @Nullable Integer version,
            @RequestParam(required = false) @Nullable String after,
            @RequestParam(defaultValue = "1") int from,
            @RequestParam(required = false) @Nullable String versionsToken,
            @RequestParam(required = false) @Nullable String done,
            Model model) {
        String notice = done == null ? null : NOTICES.get(done);
        model.addAttribute(
                "page", datasetPage(caller, datasetId, version, after, from, versionsToken, notice, List.of()));
        return "console/dataset";
    }

    /**
     * A JSONL or CSV file as a new version on top of {@code baseVersion}. Multipart, so the CSRF token travels as a
     * form field like any other.
     */
    @PostMapping("/console/datasets/{datasetId}/upload")
    String upload(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @RequestParam(defaultValue = "0") int baseVersion,
            @RequestParam(defaultValue = "auto") String format,
            @RequestParam(defaultValue = "false") boolean replace,
            @RequestParam(required = false) @Nullable MultipartFile file,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        var errors = new ArrayList<String>();
        String fileName = file == null
                        || file.getOriginalFilename() == null
                        || file.getOriginalFilename().isBlank()
                ? null
                : file.getOriginalFilename().strip();
        if (file == null || file.isEmpty()) {
            errors.add("Choose a JSONL or CSV file to upload; nothing was imported.");
        }
        UploadFormat chosen = format(format, fileName, errors);
        if (errors.isEmpty()) {
            try {
                datasets.upload(
                        caller,
                        new DatasetId(datasetId),
                        baseVersion,
                        chosen,
                        bytes(file),
                        fileName == null ? null : truncate(fileName, 255),
                        replace);
                redirect.addAttribute("done", "uploaded");
                return "redirect:/console/datasets/" + datasetId;
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500 || refused.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
                response.setStatus(refused.code().status());
            }
        } else {
            response.setStatus(400);
        }
        model.addAttribute("page", datasetPage(caller, datasetId, null, null, 1, null, null, errors));
        return "console/dataset";
    }

    /**
     * The executions checked on the executions page as items of a new version of the chosen dataset, on top of its
     * latest version (a version made meanwhile is a conflict, in words).
     */
    @PostMapping("/console/datasets/from-executions")
    String addExecutions(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable UUID datasetId,
            @RequestParam(name = "executionId", required = false) @Nullable List<UUID> executionIds,
            @RequestParam(defaultValue = "false") boolean outputAsExpected,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        if (datasetId == null) {
            throw new PromptlineException(
                    ErrorCode.INVALID_PARAMETER, "Choose the dataset the checked executions go into.");
        }
        var id = new DatasetId(datasetId);
        String error;
        if (executionIds == null || executionIds.isEmpty()) {
            error = "Check at least one succeeded execution on the executions page; nothing was added.";
            response.setStatus(400);
        } else {
            try {
                int latest = datasets.get(caller, id).latestVersion();
                datasets.addFromExecutions(caller, id, latest, executionIds, outputAsExpected);
                redirect.addAttribute("done", "collected");
                return "redirect:/console/datasets/" + datasetId;
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500 || refused.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                    throw refused;
                }
                error = ConsoleWords.of(refused);
                response.setStatus(refused.code().status());
            }
        }
        model.addAttribute("page", datasetPage(caller, datasetId, null, null, 1, null, null, List.of(error)));
        return "console/dataset";
    }

    private DatasetsPage listPage(Caller caller, @Nullable String pageToken, CreateForm form, List<String> errors) {
        Page<Dataset> page = datasets.list(caller, null, pageToken, PAGE_SIZE);
        String next =
                page.nextPageToken() == null ? null : "/console/datasets?pageToken=" + encode(page.nextPageToken());
        return new DatasetsPage(
                page.items().stream().map(DatasetPagesController::row).toList(), next, form, null, errors);
    }

    private DatasetPage datasetPage(
            Caller caller,
            UUID datasetId,
            @Nullable Integer version,
            @Nullable String after,
            int from,
            @Nullable String versionsToken,
            @Nullable String notice,
            List<String> errors) {
        var id = new DatasetId(datasetId);
        Dataset dataset = datasets.get(caller, id);
        DatasetVersion shown = datasets.version(caller.organizationId(), id, version);
        var lookup = names.lookup(caller);
        String base = "/console/datasets/" + datasetId;
        Page<DatasetVersion> versions = datasets.versions(caller, id, versionsToken, VERSIONS_PAGE);
        List<VersionRow> versionRows = versions.items().stream()
                .map(v -> new VersionRow(
                        v.version(),
                        v.itemCount(),
                        v.changeNote(),
                        lookup.person(v.createdBy()),
                        Figures.time(v.createdAt()),
                        v.version() == shown.version(),
                        base + "?version=" + v.version()))
                .toList();
        String olderVersions = versions.nextPageToken() == null
                ? null
                : base + "?version=" + shown.version() + "&versionsToken=" + encode(versions.nextPageToken());
        Page<DatasetItem> items = datasets.items(caller.organizationId(), id, shown.version(), after, ITEMS_PAGE);
        int first = Math.max(1, from);
        var itemRows = new ArrayList<ItemRow>();
        for (DatasetItem item : items.items()) {
            itemRows.add(new ItemRow(
                    first + itemRows.size(),
                    item.id().toString(),
                    item.content().input().entrySet().stream()
                            .map(entry -> entry.getKey() + ": " + entry.getValue())
                            .toList(),
                    item.content().expectedOutput() == null
                            ? ""
                            : item.content().expectedOutput(),
                    item.content().metadata().entrySet().stream()
                            .map(entry -> entry.getKey() + ": " + entry.getValue())
                            .toList()));
        }
        String nextItems = items.nextPageToken() == null
                ? null
                : "%s?version=%d&after=%s&from=%d"
                        .formatted(base, shown.version(), encode(items.nextPageToken()), first + itemRows.size());
        String firstItems = after == null ? null : base + "?version=" + shown.version();
        return new DatasetPage(
                row(dataset),
                versionRows,
                olderVersions,
                shown.version(),
                shown.itemCount(),
                itemRows,
                first,
                nextItems,
                firstItems,
                notice,
                errors);
    }

    private static DatasetRow row(Dataset dataset) {
        return new DatasetRow(
                dataset.id().value().toString(),
                dataset.name(),
                dataset.description(),
                dataset.latestVersion(),
                dataset.itemCount(),
                Figures.time(dataset.updatedAt()));
    }

    /** The format chosen, or the file name's: a {@code .csv} file is CSV, anything else JSONL. */
    private static UploadFormat format(String format, @Nullable String fileName, List<String> errors) {
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "jsonl" -> UploadFormat.JSONL;
            case "csv" -> UploadFormat.CSV;
            case "auto" ->
                fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".csv")
                        ? UploadFormat.CSV
                        : UploadFormat.JSONL;
            default -> {
                errors.add("The format must be JSONL or CSV (or read from the file's name).");
                yield UploadFormat.JSONL;
            }
        };
    }

    private static byte[] bytes(@Nullable MultipartFile file) {
        if (file == null) {
            return new byte[0];
        }
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String truncate(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
