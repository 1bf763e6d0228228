package dev.promptline.api.leaderboards;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptService;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Label policies: which benchmark result a prompt's label needs before it moves. */
@Service
public class LabelPolicyService {
    private final LabelPolicyRepository policies;
    private final BenchmarkService benchmarks;
    private final PromptService prompts;

    LabelPolicyService(LabelPolicyRepository policies, BenchmarkService benchmarks, PromptService prompts) {
        this.policies = policies;
        this.benchmarks = benchmarks;
        this.prompts = prompts;
    }

    LabelPolicy get(OrganizationId organizationId, PromptId promptId, String label) {
        requirePrompt(organizationId, promptId);
        return policies.find(organizationId, promptId, label).orElseThrow(() -> noPolicy(label));
    }

    /** The prompt's policies, by label. */
    public List<LabelPolicy> ofPrompt(OrganizationId organizationId, PromptId promptId) {
        requirePrompt(organizationId, promptId);
        return policies.ofPrompt(organizationId, promptId);
    }

    @Transactional
    LabelPolicy put(
            Caller caller,
            PromptId promptId,
            String label,
            BenchmarkId benchmarkId,
            UUID evaluatorId,
            double threshold,
            double maxRegression) {
        OrganizationId organizationId = caller.organizationId();
        requirePrompt(organizationId, promptId);
        Benchmark benchmark;
        try {
            benchmark = benchmarks.get(organizationId, benchmarkId);
        } catch (PromptlineException e) {
            throw PromptlineException.invalidField("#/benchmarkId", "is not a benchmark of this organization");
        }
        if (benchmark.metric(evaluatorId).isEmpty()) {
            throw PromptlineException.invalidField("#/evaluatorId", "is not one of the benchmark's evaluators");
        }
        policies.upsert(
                organizationId, promptId, label, benchmarkId, evaluatorId, threshold, maxRegression, caller.userId());
        return policies.find(organizationId, promptId, label).orElseThrow(() -> noPolicy(label));
    }

    @Transactional
    void delete(Caller caller, PromptId promptId, String label) {
        requirePrompt(caller.organizationId(), promptId);
        if (!policies.delete(caller.organizationId(), promptId, label)) {
            throw noPolicy(label);
        }
    }

    private void requirePrompt(OrganizationId organizationId, PromptId promptId) {
        prompts.get(organizationId, promptId, new PromptService.Selector(null, null));
    }

    private static PromptlineException noPolicy(String label) {
        return new PromptlineException(
                ErrorCode.RESOURCE_NOT_FOUND, "The label '%s' of this prompt has no policy.".formatted(label));
    }
}
