package dev.promptline.api.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperatorPropertiesTest {
    @Test
    void emptyOrBlankSwitchesTheOperatorApiOff() {
        assertThat(new OperatorProperties("").enabled()).isFalse();
        assertThat(new OperatorProperties("   ").enabled()).isFalse();
    }

    @Test
    void aShortKeyRefusesToStart() {
        assertThatThrownBy(() -> new OperatorProperties("too-short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OPERATOR_API_KEY")
                .hasMessageNotContaining("too-short");
    }

    @Test
    void theKeyIsNeverPrinted() {
        String key = "k".repeat(40);
        var properties = new OperatorProperties(key);

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.toString()).doesNotContain(key);
    }
}
