package dev.promptline.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.RateLimitException;
import dev.promptline.runtime.testing.FakeProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The API key's rate limit on the OpenAI-compatible API: a 429 the SDK reads, with when to retry. */
@TestPropertySource(properties = {"promptline.rate-limit.burst=2", "promptline.rate-limit.requests-per-minute=10"})
class OpenAiRateLimitIT extends OpenAiApi {
    private static final FakeProvider PROVIDER = FakeProvider.openAi();

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    @Override
    FakeProvider provider() {
        return PROVIDER;
    }

    @Test
    void aKeyOverItsLimitGetsA429ItMayRetryLater() {
        var key = acme.member("member");
        var client = sdk(key.key());
        client.models().list();
        client.models().list();

        var limited = catchThrowableOfType(
                RateLimitException.class, () -> client.models().list());

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.type()).hasValue("rate_limit_error");
        assertThat(limited.code()).hasValue("rate_limit_exceeded");
        assertThat(limited.headers().values("Retry-After")).hasSize(1);
        assertThat(limited.headers().values("x-should-retry")).isEmpty();
    }
}
