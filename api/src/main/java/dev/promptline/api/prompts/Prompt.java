package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A prompt: its name (unique in the organization), description and tags, its newest version number, where its labels
 * point (label name to version number), and the traffic splits some of its labels have (label name to split).
 */
public record Prompt(
        PromptId id,
        OrganizationId organizationId,
        String name,
        String description,
        List<String> tags,
        int latestVersion,
        Map<String, Integer> labels,
        Map<String, LabelSplit> splits,
        Instant createdAt,
        Instant updatedAt) {
    public Prompt {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        // Null in a prompt cached before splits existed.
        splits = splits == null ? Map.of() : Map.copyOf(splits);
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
