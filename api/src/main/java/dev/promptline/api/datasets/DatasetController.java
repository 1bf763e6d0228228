package dev.promptline.api.datasets;

import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.Page;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Datasets, their versions and their items. Every change answers the version it made; {@code {version}} in a path is
 * a number or {@code latest}.
 */
@RestController
@RequestMapping("/api/v1/datasets")
@Validated
class DatasetController {
    private static final String VERSION = "latest|[1-9][0-9]{0,8}";

    private final DatasetService datasets;

    DatasetController(DatasetService datasets) {
        this.datasets = datasets;
    }

    @GetMapping
    Page<DatasetResponse> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable @Size(max = 255) String name,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return datasets.list(caller, name, pageToken, pageSize).map(DatasetResponse::from);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Creates a dataset; its version 1 holds the items given, if any")
    ResponseEntity<DatasetResponse> create(
            @AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateDatasetRequest request) {
        var change = datasets.create(
                caller,
                request.name(),
                request.description() == null ? "" : request.description(),
                request.items() == null ? List.of() : drafts(request.items()));
        return ResponseEntity.created(
                        URI.create("/api/v1/datasets/" + change.dataset().id()))
                .body(DatasetResponse.from(change.dataset()));
    }

    @GetMapping("/{datasetId}")
    DatasetResponse get(@AuthenticationPrincipal Caller caller, @PathVariable UUID datasetId) {
        return DatasetResponse.from(datasets.get(caller, new DatasetId(datasetId)));
    }

    @DeleteMapping("/{datasetId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Deletes a dataset with all its versions and items")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID datasetId) {
        datasets.delete(caller, new DatasetId(datasetId));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{datasetId}/items")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Adds items as a new version; a stale baseVersion is a 409")
    ResponseEntity<VersionResponse> addItems(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @Valid @RequestBody AddItemsRequest request) {
        return created(
                datasets.addItems(caller, new DatasetId(datasetId), request.baseVersion(), drafts(request.items())));
    }

    @PostMapping(
            path = "/{datasetId}/items/upload",
            consumes = {ItemUploads.JSONL, ItemUploads.CSV})
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Adds the items of a JSONL or CSV file as a new version, all of them or, if a line is bad,"
                    + " none",
            description = "JSONL (application/x-ndjson): one item object per line. CSV (text/csv): a header row of"
                    + " input.<variable>, expectedOutput and metadata.<key> columns, then one item per record. A bad"
                    + " line is a 400 INVALID_UPLOAD whose line and field members name it. At most 10,000 items,"
                    + " and the upload size limit (MAX_UPLOAD_SIZE, 50MB by default; larger is a 413). With"
                    + " replace=true the new version holds the file's items alone.")
    ResponseEntity<VersionResponse> upload(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @RequestParam @Min(1) int baseVersion,
            @RequestParam(required = false) @Nullable @Size(min = 1, max = 255) String fileName,
            @RequestParam(defaultValue = "false") boolean replace,
            @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
            @RequestBody(required = false) byte @Nullable [] body) {
        var format = contentType.isCompatibleWith(MediaType.parseMediaType(ItemUploads.CSV))
                ? DatasetService.UploadFormat.CSV
                : DatasetService.UploadFormat.JSONL;
        return created(datasets.upload(
                caller,
                new DatasetId(datasetId),
                baseVersion,
                format,
                body == null ? new byte[0] : body,
                fileName,
                replace));
    }

    @PostMapping("/{datasetId}/items/from-executions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Adds one item per succeeded execution (its variables, and optionally its output as the"
                    + " expected output) as a new version")
    ResponseEntity<VersionResponse> addFromExecutions(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @Valid @RequestBody FromExecutionsRequest request) {
        return created(datasets.addFromExecutions(
                caller,
                new DatasetId(datasetId),
                request.baseVersion(),
                request.executionIds(),
                Boolean.TRUE.equals(request.includeOutputAsExpected())));
    }

    @PutMapping("/{datasetId}/items/{itemId}")
    @Operation(
            summary = "Replaces an item of the newest version with the content given, as a new version; older versions"
                    + " keep the item as it was")
    EditResponse editItem(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @PathVariable UUID itemId,
            @RequestParam(required = false) @Nullable @Min(1) Integer baseVersion,
            @Valid @RequestBody ItemRequest request) {
        var edit = datasets.editItem(caller, new DatasetId(datasetId), itemId, baseVersion, request.toDraft());
        return new EditResponse(VersionResponse.from(edit.version()), ItemResponse.from(edit.item()));
    }

    @DeleteMapping("/{datasetId}/items/{itemId}")
    @Operation(summary = "Removes an item from the newest version, as a new version; older versions keep it")
    VersionResponse removeItem(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @PathVariable UUID itemId,
            @RequestParam(required = false) @Nullable @Min(1) Integer baseVersion) {
        return VersionResponse.from(datasets.removeItem(caller, new DatasetId(datasetId), itemId, baseVersion)
                .version());
    }

    @GetMapping("/{datasetId}/versions")
    Page<VersionResponse> versions(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return datasets.versions(caller, new DatasetId(datasetId), pageToken, pageSize)
                .map(VersionResponse::from);
    }

    @GetMapping("/{datasetId}/versions/{version}")
    VersionResponse version(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @PathVariable @Pattern(regexp = VERSION) String version) {
        return VersionResponse.from(
                datasets.version(caller.organizationId(), new DatasetId(datasetId), number(version)));
    }

    @GetMapping("/{datasetId}/versions/{version}/items")
    @Operation(summary = "The items of a version, in the order they were added")
    Page<ItemResponse> items(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID datasetId,
            @PathVariable @Pattern(regexp = VERSION) String version,
            @RequestParam(required = false) @Nullable String pageToken,
            @RequestParam(required = false) @Nullable Integer pageSize) {
        return datasets.items(caller.organizationId(), new DatasetId(datasetId), number(version), pageToken, pageSize)
                .map(ItemResponse::from);
    }

    private ResponseEntity<VersionResponse> created(DatasetService.Change change) {
        return ResponseEntity.created(URI.create("/api/v1/datasets/%s/versions/%d"
                        .formatted(change.dataset().id(), change.version().version())))
                .body(VersionResponse.from(change.version()));
    }

    private static @Nullable Integer number(String version) {
        return version.equals("latest") ? null : Integer.valueOf(version);
    }

    private static List<ItemDraft> drafts(List<ItemRequest> items) {
        return items.stream().map(ItemRequest::toDraft).toList();
    }

    /**
     * @param input variable name to text, as an execution's variables
     * @param metadata flat: each value is text, a number or a boolean
     */
    record ItemRequest(
            @NotNull @Size(max = ItemRules.MAX_VARIABLES) Map<String, String> input,
            @Nullable String expectedOutput,

            @Nullable @Size(max = ItemRules.MAX_METADATA_KEYS)
            Map<String, Object> metadata) {
        ItemDraft toDraft() {
            return new ItemDraft(input, expectedOutput, metadata == null ? Map.of() : metadata, null);
        }
    }

    record CreateDatasetRequest(
            @NotBlank @Size(max = 255) @Pattern(regexp = "[^/]+", message = "must not contain '/'")
            String name,

            @Nullable @Size(max = 10_000) String description,

            @Nullable @Size(max = ItemRules.MAX_ITEMS_PER_REQUEST)
            List<@NotNull @Valid ItemRequest> items) {}

    record AddItemsRequest(
            @NotNull @Min(1) Integer baseVersion,

            @NotNull @Size(min = 1, max = ItemRules.MAX_ITEMS_PER_REQUEST)
            List<@NotNull @Valid ItemRequest> items) {}

    record FromExecutionsRequest(
            @NotNull @Min(1) Integer baseVersion,

            @NotNull @Size(min = 1, max = ItemRules.MAX_ITEMS_PER_REQUEST)
            List<@NotNull UUID> executionIds,

            @Nullable Boolean includeOutputAsExpected) {}

    record DatasetResponse(
            UUID id,
            String name,
            String description,
            int latestVersion,
            int itemCount,
            @Nullable UUID createdBy,
            Instant createdAt,
            Instant updatedAt) {
        static DatasetResponse from(Dataset dataset) {
            return new DatasetResponse(
                    dataset.id().value(),
                    dataset.name(),
                    dataset.description(),
                    dataset.latestVersion(),
                    dataset.itemCount(),
                    dataset.createdBy() == null ? null : dataset.createdBy().value(),
                    dataset.createdAt(),
                    dataset.updatedAt());
        }
    }

    /** @param item the edited item: a new id, in the place of the one it replaces */
    record EditResponse(VersionResponse version, ItemResponse item) {}

    /** @param id what an experiment pins */
    record VersionResponse(
            UUID id,
            UUID datasetId,
            int version,
            int itemCount,
            String changeNote,
            @Nullable UUID createdBy,
            Instant createdAt) {
        static VersionResponse from(DatasetVersion version) {
            return new VersionResponse(
                    version.id(),
                    version.datasetId().value(),
                    version.version(),
                    version.itemCount(),
                    version.changeNote(),
                    version.createdBy() == null ? null : version.createdBy().value(),
                    version.createdAt());
        }
    }

    /** @param addedInVersion the first version that holds the item; it stays the same item until removed */
    record ItemResponse(
            UUID id,
            Map<String, String> input,
            @Nullable String expectedOutput,
            Map<String, Object> metadata,
            @Nullable UUID sourceExecutionId,
            int addedInVersion,
            @Nullable Integer removedInVersion,
            Instant createdAt) {
        static ItemResponse from(DatasetItem item) {
            return new ItemResponse(
                    item.id(),
                    item.content().input(),
                    item.content().expectedOutput(),
                    item.content().metadata(),
                    item.content().sourceExecutionId(),
                    item.addedInVersion(),
                    item.removedInVersion(),
                    item.createdAt());
        }
    }
}
