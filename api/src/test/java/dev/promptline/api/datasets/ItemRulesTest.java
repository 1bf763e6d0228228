package dev.promptline.api.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemRulesTest {
    @Test
    void acceptsTextVariablesAndScalarMetadata() {
        var item = new ItemDraft(
                Map.of("ticket", "x", "_n2", ""),
                "billing",
                Map.of("source", "prod", "n", 1, "big", new BigDecimal("1.5"), "ok", true, "d", 0.25),
                null);

        assertThat(ItemRules.check(item)).isNull();
    }

    @Test
    void namesTheFieldOfTheFirstBrokenRule() {
        Map<String, String> nullVariable = new HashMap<>();
        nullVariable.put("ticket", null);

        assertThat(ItemRules.check(new ItemDraft(nullVariable, null, Map.of(), null)))
                .isEqualTo(new ItemRules.Violation(List.of("input", "ticket"), "must be text, not null"));
        assertThat(violation(new ItemDraft(Map.of("9lives", "x"), null, Map.of(), null)))
                .isEqualTo("#/items/0/input/9lives");
        assertThat(violation(new ItemDraft(Map.of(), "x".repeat(ItemRules.MAX_TEXT + 1), Map.of(), null)))
                .isEqualTo("#/items/0/expectedOutput");
        assertThat(violation(new ItemDraft(Map.of(), null, Map.of("a/b", List.of()), null)))
                .isEqualTo("#/items/0/metadata/a~1b");
        assertThat(violation(new ItemDraft(Map.of(), null, Map.of("k", Double.NaN), null)))
                .isEqualTo("#/items/0/metadata/k");
        assertThat(violation(new ItemDraft(Map.of("a", "\u0000"), null, Map.of(), null)))
                .isEqualTo("#/items/0/input/a");
    }

    private static String violation(ItemDraft item) {
        ItemRules.Violation violation = ItemRules.check(item);
        assertThat(violation).isNotNull();
        return violation.pointer("#/items/0");
    }
}
