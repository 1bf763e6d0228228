package dev.promptline.api.datasets;

import dev.promptline.api.executions.Execution;
import dev.promptline.api.executions.ExecutionService;
import dev.promptline.api.executions.ExecutionStatus;
import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.platform.web.Cursor;
import dev.promptline.api.platform.web.Page;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets, their immutable versions and their items; the module's API for experiments, which pin a version and read
 * its items. Every change locks the dataset, checks the caller's {@code baseVersion} against the newest (a stale one
 * is a 409, as for prompts), and writes version n+1 with the items it adds or the range ends of those it removes; a
 * change that fails writes nothing.
 */
@Service
public class DatasetService {
    private final DatasetRepository datasets;
    private final ExecutionService executions;
    private final ItemUploads uploads;

    DatasetService(DatasetRepository datasets, ExecutionService executions, JsonMapper json) {
        this.datasets = datasets;
        this.executions = executions;
        this.uploads = new ItemUploads(json);
    }

    /** A dataset as a change left it, and the version the change made. */
    public record Change(Dataset dataset, DatasetVersion version) {}

    /** The version an edit made, and the edited item as it now is. */
    public record Edit(DatasetVersion version, DatasetItem item) {}

    /** The format of an uploaded file of items. */
    public enum UploadFormat {
        JSONL,
        CSV
    }

    @Transactional
    public Change create(Caller caller, String name, String description, List<ItemDraft> items) {
        check(items, "#/items");
        DatasetId id = datasets.insert(caller.organizationId(), name, description, caller.userId());
        DatasetVersion version = datasets.insertVersion(
                caller.organizationId(),
                id,
                1,
                items.size(),
                items.isEmpty() ? "created empty" : "created with " + count(items.size()),
                caller.userId());
        datasets.insertItems(caller.organizationId(), id, 1, items);
        return new Change(find(caller.organizationId(), id), version);
    }

    /** Adds the items as version n+1, where n must be {@code baseVersion}. */
    @Transactional
    public Change addItems(Caller caller, DatasetId id, int baseVersion, List<ItemDraft> items) {
        check(items, "#/items");
        return add(caller, id, baseVersion, items, "added " + count(items.size()), "#/items");
    }

    /**
     * Adds every item of an uploaded file as version n+1, or, if any line is bad, nothing. With {@code replace}, version
     * n+1 holds the file's items alone: every item of version n is removed from it (the versions before keep theirs).
     */
    @Transactional
    public Change upload(
            Caller caller,
            DatasetId id,
            int baseVersion,
            UploadFormat format,
            byte[] body,
            @Nullable String fileName,
            boolean replace) {
        find(caller.organizationId(), id);
        List<ItemDraft> items = switch (format) {
            case JSONL -> uploads.jsonl(body);
            case CSV -> uploads.csv(body);
        };
        if (items.isEmpty()) {
            throw new PromptlineException(ErrorCode.INVALID_UPLOAD, "The upload holds no items; nothing was imported.");
        }
        String source = fileName == null ? "a " + format.name() + " file" : fileName;
        if (replace) {
            return replaceAll(
                    caller,
                    id,
                    baseVersion,
                    items,
                    "replaced all items with %s (%s)".formatted(source, count(items.size())));
        }
        return add(caller, id, baseVersion, items, "uploaded %s (%s)".formatted(source, count(items.size())), null);
    }

    /**
     * Adds one item per execution: its variables as the input and, if asked, its output as the expected output. Only
     * succeeded executions of the caller's organization qualify; the others are a 400 that names them.
     */
    @Transactional
    public Change addFromExecutions(
            Caller caller, DatasetId id, int baseVersion, List<UUID> executionIds, boolean includeOutputAsExpected) {
        find(caller.organizationId(), id);
        List<String> unknown = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        List<String> repeated = new ArrayList<>();
        List<ItemDraft> items = new ArrayList<>();
        var seen = new HashSet<UUID>();
        for (UUID executionId : executionIds) {
            if (!seen.add(executionId)) {
                repeated.add(executionId.toString());
                continue;
            }
            Execution execution = findExecution(caller.organizationId(), executionId);
            if (execution == null) {
                unknown.add(executionId.toString());
            } else if (execution.status() != ExecutionStatus.SUCCEEDED) {
                unfinished.add(
                        "%s (%s)".formatted(executionId, execution.status().value()));
            } else {
                items.add(new ItemDraft(
                        execution.input().variables(),
                        includeOutputAsExpected ? execution.output() : null,
                        Map.of(),
                        executionId));
            }
        }
        List<String> reasons = new ArrayList<>();
        if (!unknown.isEmpty()) {
            reasons.add("not executions of this organization: " + String.join(", ", unknown));
        }
        if (!unfinished.isEmpty()) {
            reasons.add("not succeeded: " + String.join(", ", unfinished));
        }
        if (!repeated.isEmpty()) {
            reasons.add("named twice: " + String.join(", ", repeated));
        }
        if (!reasons.isEmpty()) {
            throw PromptlineException.invalidField("#/executionIds", String.join("; ", reasons));
        }
        check(items, "#/executionIds");
        return add(caller, id, baseVersion, items, "added %s from executions".formatted(count(items.size())), null);
    }

    /** Removes an item from the newest version, as version n+1; the versions before keep it. */
    @Transactional
    public Change removeItem(Caller caller, DatasetId id, UUID itemId, @Nullable Integer baseVersion) {
        var latest = lock(caller, id, baseVersion);
        if (latest.itemCount() == 0) {
            throw notInVersion(itemId, latest.version());
        }
        int number = latest.version() + 1;
        // The version row comes first: the item's range end references it. Should the item not be there, the
        // exception rolls the version back with the rest.
        DatasetVersion version = datasets.insertVersion(
                caller.organizationId(), id, number, latest.itemCount() - 1, "removed item " + itemId, caller.userId());
        if (!datasets.removeItem(caller.organizationId(), id, itemId, number)) {
            throw notInVersion(itemId, latest.version());
        }
        return new Change(find(caller.organizationId(), id), version);
    }

    /**
     * Replaces an item of the newest version with the edited content, as version n+1: the edited item is a new item
     * (a new id, the same place in the order, the same source execution) and the versions before keep the old one, so
     * an experiment pinned to one of them still runs what it pinned.
     */
    @Transactional
    public Edit editItem(Caller caller, DatasetId id, UUID itemId, @Nullable Integer baseVersion, ItemDraft content) {
        ItemRules.Violation violation = ItemRules.check(content);
        if (violation != null) {
            throw PromptlineException.invalidField(violation.pointer("#"), violation.detail());
        }
        var latest = lock(caller, id, baseVersion);
        var current = datasets.findCurrentItem(caller.organizationId(), id, itemId)
                .orElseThrow(() -> notInVersion(itemId, latest.version()));
        int number = latest.version() + 1;
        DatasetVersion version = datasets.insertVersion(
                caller.organizationId(), id, number, latest.itemCount(), "edited item " + itemId, caller.userId());
        datasets.removeItem(caller.organizationId(), id, itemId, number);
        var edited = new ItemDraft(
                content.input(),
                content.expectedOutput(),
                content.metadata(),
                current.item().content().sourceExecutionId());
        DatasetItem item = datasets.insertItemAt(caller.organizationId(), id, number, edited, current.ordinal());
        return new Edit(version, item);
    }

    public Dataset get(Caller caller, DatasetId id) {
        return find(caller.organizationId(), id);
    }

    public Page<Dataset> list(
            Caller caller, @Nullable String namePrefix, @Nullable String pageToken, @Nullable Integer pageSize) {
        int size = Cursor.pageSize(pageSize);
        return Cursor.page(
                datasets.list(caller.organizationId(), namePrefix, Cursor.decode(pageToken), size + 1),
                size,
                dataset -> new Cursor(dataset.createdAt(), dataset.id().value()));
    }

    @Transactional
    public void delete(Caller caller, DatasetId id) {
        if (!datasets.delete(caller.organizationId(), id)) {
            throw notFound(id);
        }
    }

    /** Versions newest first; the page token is the number below which the next page starts. */
    public Page<DatasetVersion> versions(
            Caller caller, DatasetId id, @Nullable String pageToken, @Nullable Integer pageSize) {
        find(caller.organizationId(), id);
        int size = Cursor.pageSize(pageSize);
        Integer before = pageToken == null ? null : (int) Math.min(parseToken(pageToken), Integer.MAX_VALUE);
        List<DatasetVersion> rows = datasets.listVersions(caller.organizationId(), id, before, size + 1);
        if (rows.size() <= size) {
            return new Page<>(rows, null);
        }
        List<DatasetVersion> items = rows.subList(0, size);
        return new Page<>(items, String.valueOf(items.getLast().version()));
    }

    /** One version of a dataset; {@code null} means the newest. What an experiment pins. */
    public DatasetVersion version(OrganizationId organizationId, DatasetId id, @Nullable Integer version) {
        Dataset dataset = find(organizationId, id);
        int number = version == null ? dataset.latestVersion() : version;
        return datasets.findVersion(organizationId, id, number)
                .orElseThrow(() -> new PromptlineException(
                        ErrorCode.RESOURCE_NOT_FOUND, "The dataset has no version %d.".formatted(number)));
    }

    /**
     * The items of a version ({@code null}: the newest) in their stable order, the order they were added in; the page
     * token is the position after which the next page starts.
     */
    public Page<DatasetItem> items(
            OrganizationId organizationId,
            DatasetId id,
            @Nullable Integer version,
            @Nullable String pageToken,
            @Nullable Integer pageSize) {
        DatasetVersion pinned = version(organizationId, id, version);
        int size = Cursor.pageSize(pageSize);
        long after = pageToken == null ? 0 : parseToken(pageToken);
        var rows = datasets.listItems(organizationId, id, pinned.version(), after, size + 1);
        List<DatasetItem> items = rows.stream()
                .limit(size)
                .map(DatasetRepository.Positioned::item)
                .toList();
        return new Page<>(
                items,
                rows.size() <= size ? null : String.valueOf(rows.get(size - 1).ordinal()));
    }

    private Change add(
            Caller caller,
            DatasetId id,
            int baseVersion,
            List<ItemDraft> items,
            String changeNote,
            @Nullable String pointer) {
        var latest = lock(caller, id, baseVersion);
        int count = latest.itemCount() + items.size();
        if (count > ItemRules.MAX_ITEMS_PER_DATASET) {
            String detail = "the dataset would hold %d items, more than the limit of %d"
                    .formatted(count, ItemRules.MAX_ITEMS_PER_DATASET);
            throw pointer == null
                    ? new PromptlineException(ErrorCode.INVALID_UPLOAD, "The " + detail + "; nothing was imported.")
                    : PromptlineException.invalidField(pointer, detail);
        }
        int number = latest.version() + 1;
        DatasetVersion version =
                datasets.insertVersion(caller.organizationId(), id, number, count, changeNote, caller.userId());
        datasets.insertItems(caller.organizationId(), id, number, items);
        return new Change(find(caller.organizationId(), id), version);
    }

    private Change replaceAll(Caller caller, DatasetId id, int baseVersion, List<ItemDraft> items, String changeNote) {
        var latest = lock(caller, id, baseVersion);
        if (items.size() > ItemRules.MAX_ITEMS_PER_DATASET) {
            throw new PromptlineException(
                    ErrorCode.INVALID_UPLOAD,
                    "The dataset would hold %d items, more than the limit of %d; nothing was imported."
                            .formatted(items.size(), ItemRules.MAX_ITEMS_PER_DATASET));
        }
        int number = latest.version() + 1;
        DatasetVersion version =
                datasets.insertVersion(caller.organizationId(), id, number, items.size(), changeNote, caller.userId());
        // The old items' ranges end first: the update would otherwise reach the items this version adds.
        datasets.removeAllItems(caller.organizationId(), id, number);
        datasets.insertItems(caller.organizationId(), id, number, items);
        return new Change(find(caller.organizationId(), id), version);
    }

    private DatasetRepository.Latest lock(Caller caller, DatasetId id, @Nullable Integer baseVersion) {
        var latest = datasets.lockLatest(caller.organizationId(), id).orElseThrow(() -> notFound(id));
        if (baseVersion != null && baseVersion != latest.version()) {
            throw new PromptlineException(
                    ErrorCode.VERSION_CONFLICT,
                    "baseVersion is %d but the dataset is at version %d; read it and apply your change again."
                            .formatted(baseVersion, latest.version()));
        }
        return latest;
    }

    private @Nullable Execution findExecution(OrganizationId organizationId, UUID id) {
        try {
            return executions.get(organizationId, id);
        } catch (PromptlineException e) {
            if (e.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                return null; // another organization's execution does not exist for this one
            }
            throw e;
        }
    }

    private static void check(List<ItemDraft> items, String pointer) {
        for (int i = 0; i < items.size(); i++) {
            ItemRules.Violation violation = ItemRules.check(items.get(i));
            if (violation != null) {
                throw PromptlineException.invalidField(violation.pointer(pointer + "/" + i), violation.detail());
            }
        }
    }

    private Dataset find(OrganizationId organizationId, DatasetId id) {
        return datasets.find(organizationId, id).orElseThrow(() -> notFound(id));
    }

    private static String count(int items) {
        return items == 1 ? "1 item" : items + " items";
    }

    private static long parseToken(String token) {
        try {
            long value = Long.parseLong(token);
            if (value < 0) {
                throw new NumberFormatException(token);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new PromptlineException(ErrorCode.INVALID_PARAMETER, "pageToken is not a token this API returned.");
        }
    }

    private static PromptlineException notInVersion(UUID itemId, int version) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND,
                "Item %s is not in version %d of this dataset.".formatted(itemId, version));
    }

    static PromptlineException notFound(DatasetId id) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "No dataset %s in this organization.".formatted(id));
    }
}
