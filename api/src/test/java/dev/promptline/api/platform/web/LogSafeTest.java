package dev.promptline.api.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void callerTextIsEscapedAndCut() {
        assertThat(LogSafe.abbreviate("a\u0000b\nc")).isEqualTo("a\\u0000b\\u000ac");
        assertThat(LogSafe.abbreviate("\u0000".repeat(1_000)))
                .startsWith("\\u0000")
                .endsWith("... (1000 chars)")
                .hasSizeLessThan(150);
        assertThat(LogSafe.abbreviate("x".repeat(LogSafe.MAX_TEXT))).isEqualTo("x".repeat(LogSafe.MAX_TEXT));
    }

    @Test
    void anExceptionIsOneBoundedLineNamingItsCausesAndOurFrame() {
        Exception error = new IllegalStateException(
                "outer " + "y".repeat(10_000), new java.sql.SQLException("inner\nsecond line"));

        String summary = LogSafe.summary(error);

        assertThat(summary)
                .startsWith("IllegalStateException: outer y")
                .contains("(at dev.promptline.api.platform.web.LogSafeTest.")
                .contains(" <- SQLException: inner\\u000asecond line")
                .doesNotContain("\n")
                .hasSizeLessThan(600);
    }
}
