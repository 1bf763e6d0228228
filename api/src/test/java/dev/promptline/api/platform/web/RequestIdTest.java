package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdTest {
    @Test
    void keepsSafeIds() {
        assertThat(RequestId.acceptOrGenerate("01JD-abc_1.2:3")).isEqualTo("01JD-abc_1.2:3");
    }

    @Test
    void replacesMissingOversizedOrUnsafeIds() {
        assertThat(RequestId.acceptOrGenerate(null)).hasSize(36);
        assertThat(RequestId.acceptOrGenerate("")).hasSize(36);
        assertThat(RequestId.acceptOrGenerate("x".repeat(129))).hasSize(36);
        assertThat(RequestId.acceptOrGenerate("a\nb")).hasSize(36);
        assertThat(RequestId.acceptOrGenerate("a\"b")).hasSize(36);
    }
}
