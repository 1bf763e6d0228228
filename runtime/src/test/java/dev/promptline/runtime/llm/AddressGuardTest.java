package dev.promptline.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {
    private final AddressGuard guard = new AddressGuard(List.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/v1",
                "http://169.254.169.254/latest",
                "http://10.1.2.3/v1",
                "http://192.168.0.10/v1",
                "http://172.20.0.1/v1",
                "http://100.64.1.1/v1",
                "http://0.0.0.0/v1",
                "http://[::1]/v1",
                "http://[fd00::1]/v1",
                "http://[fe80::1]/v1",
                // A name is refused for what it resolves to, not for how it is spelled.
                "http://localhost:11434/v1"
            })
    void refusesLocalPrivateAndMetadataAddresses(String url) {
        assertThatThrownBy(() -> guard.check(URI.create(url))).isInstanceOfSatisfying(ModelCallException.class, e -> {
            assertThat(e.kind()).isEqualTo(ModelCallException.Kind.ADDRESS_FORBIDDEN);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("MODEL_ALLOWED_HOSTS");
        });
    }

    @Test
    void acceptsPublicAddresses() {
        assertThatCode(() -> guard.check(URI.create("https://8.8.8.8/v1"))).doesNotThrowAnyException();
        assertThatCode(() -> guard.check(URI.create("https://[2606:4700::1111]/v1")))
                .doesNotThrowAnyException();
    }

    @Test
    void anOperatorCanAllowAHostOrARange() {
        var allowing = new AddressGuard(List.of("localhost", "10.0.0.0/8"));

        assertThatCode(() -> allowing.check(URI.create("http://localhost:11434/v1")))
                .doesNotThrowAnyException();
        assertThatCode(() -> allowing.check(URI.create("http://10.9.8.7/v1"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> allowing.check(URI.create("http://192.168.1.1/v1")))
                .isInstanceOf(ModelCallException.class);
    }

    @Test
    void aHostThatDoesNotResolveIsAProviderOutageWorthRetrying() {
        assertThatThrownBy(() -> guard.check(URI.create("https://no-such-host.invalid/v1")))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.PROVIDER_UNAVAILABLE);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void onlyHttpAndHttpsAreCalled() {
        assertThatThrownBy(() -> guard.check(URI.create("file:///etc/passwd")))
                .isInstanceOfSatisfying(
                        ModelCallException.class,
                        e -> assertThat(e.kind()).isEqualTo(ModelCallException.Kind.INVALID_REQUEST));
    }

    @Test
    void aBaseUrlCarryingCredentialsIsRefusedWithoutSayingThem() {
        assertThatThrownBy(() -> guard.check(URI.create("https://user:hunter2@8.8.8.8/v1")))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).doesNotContain("hunter2");
                });
    }
}
