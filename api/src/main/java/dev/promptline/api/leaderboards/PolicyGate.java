package dev.promptline.api.leaderboards;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.GateVerdict;
import dev.promptline.api.prompts.LabelGate;
import dev.promptline.api.prompts.PromptId;
import dev.promptline.api.prompts.PromptVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Judges a label move by the label's policy, on PostgreSQL's figures (never the Redis copy): the candidate's entry on
 * the benchmark must exist, be current (its evaluators at the versions the benchmark pins), reach the threshold, and
 * not be worse than the current version's entry by more than the policy's margin. A current version without an entry
 * cannot regress against anything: the threshold alone decides, and the figures say so.
 */
@Component
class PolicyGate implements LabelGate {
    private final LabelPolicyRepository policies;
    private final BenchmarkService benchmarks;

    PolicyGate(LabelPolicyRepository policies, BenchmarkService benchmarks) {
        this.policies = policies;
        this.benchmarks = benchmarks;
    }

    @Override
    public GateVerdict check(
            OrganizationId organizationId,
            PromptId promptId,
            String label,
            @Nullable PromptVersion current,
            PromptVersion candidate) {
        LabelPolicy policy = policies.find(organizationId, promptId, label).orElse(null);
        if (policy == null) {
            return new GateVerdict.NoPolicy();
        }
        Benchmark benchmark = benchmarks.get(organizationId, policy.benchmarkId());
        Benchmark.Metric metric = benchmark.metric(policy.evaluatorId()).orElseThrow();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("benchmarkId", benchmark.id().value());
        figures.put("benchmark", benchmark.name());
        figures.put("evaluatorId", metric.evaluatorId());
        figures.put("direction", metric.direction().value());
        figures.put("threshold", policy.threshold());
        figures.put("maxRegression", policy.maxRegression());
        // Once for both versions' entries below: a move right after an experiment completes must count it.
        benchmarks.makeUpEntries(organizationId, benchmark);

        var candidateEntry = entry(organizationId, benchmark, candidate);
        if (candidateEntry.isEmpty()) {
            return new GateVerdict.Refused(
                    "Version %d has no finished experiment on benchmark '%s' with its evaluators at the pinned versions."
                            .formatted(candidate.version(), benchmark.name()),
                    figures);
        }
        MetricFigures candidateFigures = candidateEntry.get().metrics().get(metric.evaluatorId());
        figures.put("candidate", side(candidate, candidateEntry.get(), candidateFigures));
        if (!metric.direction().reaches(candidateFigures.mean(), policy.threshold())) {
            return new GateVerdict.Refused(
                    "Version %d's mean %s is %s than the threshold %s."
                            .formatted(
                                    candidate.version(),
                                    candidateFigures.mean(),
                                    metric.direction() == Direction.HIGHER ? "lower" : "higher",
                                    policy.threshold()),
                    figures);
        }
        var currentEntry =
                current == null ? Optional.<LeaderboardEntry>empty() : entry(organizationId, benchmark, current);
        if (current == null || currentEntry.isEmpty()) {
            figures.put("baseline", null);
            return new GateVerdict.Passed(figures);
        }
        MetricFigures currentFigures = currentEntry.get().metrics().get(metric.evaluatorId());
        figures.put("baseline", side(current, currentEntry.get(), currentFigures));
        double improvement = metric.direction().improvement(candidateFigures.mean(), currentFigures.mean());
        figures.put("improvement", improvement);
        if (improvement < -policy.maxRegression()) {
            return new GateVerdict.Refused(
                    "Version %d is worse than version %d by %s, more than the %s allowed."
                            .formatted(candidate.version(), current.version(), -improvement, policy.maxRegression()),
                    figures);
        }
        return new GateVerdict.Passed(figures);
    }

    /**
     * The version's current entry on the benchmark: with the version's own model when it names one (what the label
     * would serve), else the newest; never a stale one.
     */
    private Optional<LeaderboardEntry> entry(
            OrganizationId organizationId, Benchmark benchmark, PromptVersion version) {
        return benchmarks.entriesOf(organizationId, benchmark.id(), version.id()).stream()
                .filter(entry -> !entry.staleFor(benchmark))
                .filter(entry -> version.modelId() == null || version.modelId().equals(entry.modelId()))
                .findFirst();
    }

    private static Map<String, Object> side(PromptVersion version, LeaderboardEntry entry, MetricFigures figures) {
        Map<String, Object> side = new LinkedHashMap<>();
        side.put("version", version.version());
        side.put("experimentId", entry.experimentId());
        side.put("mean", figures.mean());
        side.put("ciLow", figures.ciLow());
        side.put("ciHigh", figures.ciHigh());
        side.put("count", figures.count());
        return side;
    }
}
