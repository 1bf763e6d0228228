package dev.promptline.api.console;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the dataset pages show, already in words: the list, and one dataset with a version's items. */
public final class DatasetViews {
    public static final List<String> FORMATS = List.of("auto", "jsonl", "csv");

    public record DatasetsPage(
            List<DatasetRow> rows,
            @Nullable String nextPageUrl,
            CreateForm form,
            @Nullable String notice,
            List<String> errors) {
        public DatasetsPage {
            rows = List.copyOf(rows);
            errors = List.copyOf(errors);
        }
    }

    public record DatasetRow(
            String id, String name, String description, int latestVersion, int itemCount, String updatedAt) {
        public String url() {
            return "/console/datasets/" + id;
        }
    }

    /** The create form as typed. */
    public record CreateForm(String name, String description) {
        public static final CreateForm EMPTY = new CreateForm("", "");
    }

    /**
     * A dataset with its versions and the items of the one shown.
     *
     * @param shownVersion the version whose items are listed
     * @param firstItem the position of the page's first item, from 1
     */
    public record DatasetPage(
            DatasetRow dataset,
            List<VersionRow> versions,
            @Nullable String olderVersionsUrl,
            int shownVersion,
            int shownItemCount,
            List<ItemRow> items,
            int firstItem,
            @Nullable String nextItemsUrl,
            @Nullable String firstItemsUrl,
            @Nullable String notice,
            List<String> errors) {
        public DatasetPage {
            versions = List.copyOf(versions);
            items = List.copyOf(items);
            errors = List.copyOf(errors);
        }

        public String uploadUrl() {
            return dataset.url() + "/upload";
        }
    }

    public record VersionRow(
            int number, int itemCount, String changeNote, String author, String createdAt, boolean shown, String url) {}

    /**
     * An item: its variables and metadata as {@code name: value} lines.
     *
     * @param expectedOutput empty when the item has none
     */
    public record ItemRow(int position, String id, List<String> input, String expectedOutput, List<String> metadata) {
        public ItemRow {
            input = List.copyOf(input);
            metadata = List.copyOf(metadata);
        }
    }

    private DatasetViews() {}
}
