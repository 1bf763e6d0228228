package dev.promptline.api.console;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the console's templates show: plain values, already in words, so templates hold no logic but layout. */
public final class ConsoleViews {
    /** The prompt list with its filters; {@code nextPageUrl} when there are more. */
    public record PromptsPage(
            String name,
            String tag,
            List<PromptRow> rows,
            @Nullable String nextPageUrl) {
        public PromptsPage {
            rows = List.copyOf(rows);
        }

        public boolean filtered() {
            return !name.isEmpty() || !tag.isEmpty();
        }
    }

    public record PromptRow(
            String id,
            String name,
            String description,
            List<String> tags,
            int latestVersion,
            List<LabelRow> labels,
            String updatedAt) {
        public PromptRow {
            tags = List.copyOf(tags);
            labels = List.copyOf(labels);
        }
    }

    /** A label and the version it points at. */
    public record LabelRow(String name, int version) {}

    /** The few facts every page about one prompt shows in its heading. */
    public record PromptHeader(String id, String name, String description, List<String> tags, int latestVersion) {
        public PromptHeader {
            tags = List.copyOf(tags);
        }

        public String url() {
            return "/console/prompts/" + id;
        }
    }

    /**
     * A label on the prompt page: where it points (null when only a policy names it so far), the policy a move must
     * pass in words (null without one), its last move and how the policy judged that move.
     */
    public record LabelState(
            String name,
            @Nullable Integer version,
            @Nullable String split,
            @Nullable String policy,
            @Nullable String lastMove,
            @Nullable String lastVerdict) {}

    /** What a label's policy says about a move before it is made. */
    public record GateView(boolean passes, String words) {}

    public record PromptPage(
            PromptHeader prompt,
            List<LabelState> labels,
            List<VersionRow> versions,
            @Nullable String olderUrl,
            List<Integer> versionNumbers,
            @Nullable String notice) {
        public PromptPage {
            labels = List.copyOf(labels);
            versions = List.copyOf(versions);
            versionNumbers = List.copyOf(versionNumbers);
        }

        /** The diff form starts on the newest version against the one before it. */
        public int defaultFrom() {
            return Math.max(1, prompt.latestVersion() - 1);
        }
    }

    public record VersionRow(int number, String commitMessage, String author, String createdAt, List<String> labels) {
        public VersionRow {
            labels = List.copyOf(labels);
        }
    }

    public record DiffPage(
            PromptHeader prompt,
            int from,
            int to,
            List<Integer> versionNumbers,
            VersionDiff template,
            VersionDiff parameters) {
        public DiffPage {
            versionNumbers = List.copyOf(versionNumbers);
        }
    }

    /**
     * The confirmation of a label move: where the label points now ({@code current}, null for a new label), where it
     * would point, the diff between the two, and a refusal in words when the last attempt failed.
     */
    public record MovePage(
            PromptHeader prompt,
            String label,
            @Nullable Integer current,
            int version,
            VersionDiff template,
            VersionDiff parameters,
            @Nullable GateView gate,
            boolean canOverride,
            @Nullable String split,
            @Nullable String error) {
        public boolean unchanged() {
            return current != null && current == version;
        }

        public boolean rollback() {
            return current != null && version < current;
        }
    }

    /** A line diff; {@code identical} when the two sides are the same. */
    public record VersionDiff(List<DiffLine> lines, boolean identical) {
        public VersionDiff {
            lines = List.copyOf(lines);
        }
    }

    /**
     * One line of a diff.
     *
     * @param kind {@code same}, {@code added} or {@code removed} (also the CSS class of its row)
     * @param oldNumber the line's number on the old side, null for an added line
     * @param newNumber the line's number on the new side, null for a removed line
     */
    public record DiffLine(
            String kind,
            @Nullable Integer oldNumber,
            @Nullable Integer newNumber,
            String text) {
        public DiffLine {
            requireNonNull(kind, "kind is null");
            requireNonNull(text, "text is null");
        }

        public String marker() {
            return switch (kind) {
                case "added" -> "+";
                case "removed" -> "-";
                default -> " ";
            };
        }

        public String oldLabel() {
            return oldNumber == null ? "" : oldNumber.toString();
        }

        public String newLabel() {
            return newNumber == null ? "" : newNumber.toString();
        }
    }

    private ConsoleViews() {}
}
