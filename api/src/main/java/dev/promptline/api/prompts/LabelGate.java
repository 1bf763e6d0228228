package dev.promptline.api.prompts;

import dev.promptline.api.platform.tenancy.OrganizationId;
import org.jspecify.annotations.Nullable;

/**
 * A rule that may refuse moving a prompt's label to a version: eval-gated promotion. Prompts asks; the module that owns
 * label policies and evaluation results answers (a bean implementing this), so prompts depends on no evaluation code.
 * Without such a bean every move is allowed.
 */
public interface LabelGate {
    /**
     * @param current the version the label points at now; null when the label is new
     * @param candidate the version it would point at
     */
    GateVerdict check(
            OrganizationId organizationId,
            PromptId promptId,
            String label,
            @Nullable PromptVersion current,
            PromptVersion candidate);
}
