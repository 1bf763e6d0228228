package dev.promptline.api.budgets;

import dev.promptline.api.platform.cache.CacheDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** An organization's caps by organization id, evicted on every write to one of them. */
@Configuration(proxyBeanMethods = false)
class BudgetCaches {
    static final String BUDGETS = "budgets";

    @Bean
    CacheDefinition budgetsCache() {
        return new CacheDefinition(BUDGETS, OrganizationBudgets.class);
    }
}
