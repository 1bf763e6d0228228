package dev.promptline.api.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    @Test
    void typesAreStableUrisDerivedFromTheName() {
        assertThat(ErrorCode.PAYLOAD_TOO_LARGE.type()).hasToString("https://promptline.dev/problems/payload-too-large");
    }

    @Test
    void clientErrorsAre4xxAndTheRestAre5xx() {
        assertThat(Arrays.stream(ErrorCode.values()))
                .allSatisfy(code -> assertThat(code.status())
                        .isBetween(
                                code.category() == ErrorCode.Category.CLIENT ? 400 : 500,
                                code.category() == ErrorCode.Category.CLIENT ? 499 : 599));
    }
}
