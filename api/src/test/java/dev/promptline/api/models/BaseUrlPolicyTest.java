package dev.promptline.api.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.errors.PromptlineException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUrlPolicyTest {
    private final BaseUrlPolicy strict = new BaseUrlPolicy(List.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:11434/v1",
                "http://localhost:8000/v1",
                "http://api.localhost/v1",
                "http://169.254.169.254/latest/meta-data",
                "http://10.1.2.3/v1",
                "http://172.16.0.5/v1",
                "http://192.168.1.10/v1",
                "http://100.64.0.1/v1",
                "http://0.0.0.0/v1",
                "http://[::1]/v1",
                "http://[fd00::1]/v1",
                "http://[fe80::1]/v1",
                "http://[::ffff:127.0.0.1]/v1"
            })
    void refusesLocalPrivateAndMetadataAddresses(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(PromptlineException.class)
                .satisfies(e -> assertThat(((PromptlineException) e).violations())
                        .singleElement()
                        .satisfies(violation -> assertThat(violation.pointer()).isEqualTo("#/baseUrl")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://example.com/v1",
                "file:///etc/passwd",
                "gopher://x",
                "not a url",
                "/relative",
                "https://user:pw@example.com/v1"
            })
    void refusesOtherSchemesAndEmbeddedCredentials(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(PromptlineException.class);
    }

    @Test
    void acceptsPublicAddressesAndUnresolvableNames() {
        assertThat(strict.check("https://203.0.113.10/v1")).hasHost("203.0.113.10");
        assertThat(strict.check("https://api.openai.example/v1")).hasHost("api.openai.example");
    }

    @Test
    void theOperatorCanAllowHostsAndRanges() {
        var policy = new BaseUrlPolicy(List.of("ollama.internal", "localhost", "10.0.0.0/8"));

        assertThat(policy.check("http://localhost:11434/v1")).hasHost("localhost");
        assertThat(policy.check("http://10.20.30.40:8000/v1")).hasHost("10.20.30.40");
        assertThatThrownBy(() -> policy.check("http://192.168.0.1/v1")).isInstanceOf(PromptlineException.class);
    }
}
