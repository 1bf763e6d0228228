package dev.promptline.api.evaluations.online;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.prompts.PromptId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every rule that samples anything, in memory, by prompt: deciding whether a finished execution is scored costs a map
 * lookup on the thread that finished it, never a query. Refreshed from the database every
 * {@code promptline.evaluations.online.refresh-interval} (10 s), and at once on this replica after a rule changes
 * here. Rules are few (a handful per prompt); all of them fit.
 */
@Component
class RuleIndex {
    private static final Logger log = LoggerFactory.getLogger(RuleIndex.class);

    private record Key(OrganizationId organizationId, PromptId promptId) {}

    private final EvaluationRuleRepository rules;
    private volatile Map<Key, List<EvaluationRule>> byPrompt = Map.of();

    RuleIndex(EvaluationRuleRepository rules) {
        this.rules = rules;
    }

    List<EvaluationRule> forPrompt(OrganizationId organizationId, PromptId promptId) {
        return byPrompt.getOrDefault(new Key(organizationId, promptId), List.of());
    }

    @Scheduled(fixedDelayString = "${promptline.evaluations.online.refresh-interval:10s}")
    void refresh() {
        try {
            var next = new HashMap<Key, List<EvaluationRule>>();
            for (EvaluationRule rule : rules.all()) {
                next.merge(
                        new Key(rule.organizationId(), rule.promptId()),
                        List.of(rule),
                        (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
            }
            byPrompt = Map.copyOf(next);
        } catch (DataAccessException e) {
            // The database is away (or not migrated yet): keep the rules known, try again at the next refresh.
            log.debug("Could not refresh the evaluation rules", e);
        }
    }
}
