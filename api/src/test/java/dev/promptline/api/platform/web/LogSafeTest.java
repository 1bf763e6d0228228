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
        // Escaped, 30 NULs outgrow the limit before all are read: still a cut, and said so.
        assertThat(LogSafe.abbreviate("\u0000".repeat(30))).endsWith("... (30 chars)");
    }

    @Test
    void aLibrarysExceptionPointsAtOurCallerNotTheLibrary() {
        Exception error = assertThrowsNumberFormat();

        assertThat(LogSafe.summary(error))
                .startsWith("NumberFormatException: For input string: \"x\"")
                .contains("(at dev.promptline.api.platform.web.LogSafeTest.assertThrowsNumberFormat(");
    }

    private static Exception assertThrowsNumberFormat() {
        try {
            Integer.parseInt("x");
            throw new AssertionError("parsed");
        } catch (NumberFormatException e) {
            return e;
        }
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
