package dev.promptline.api.prompts;

import static java.util.Objects.requireNonNull;

import dev.promptline.api.platform.tenancy.OrganizationId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A prompt: its name (unique in the organization), description and tags, its newest version number, and where its
 * labels point (label name to version number).
 */
public record Prompt(
        PromptId id,
        OrganizationId organizationId,
        String name,
        String description,
        List<String> tags,
        int latestVersion,
        Map<String, Integer> labels,
        Instant createdAt,
        Instant updatedAt) {
    public Prompt {
        requireNonNull(id, "id is null");
        requireNonNull(organizationId, "organizationId is null");
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
