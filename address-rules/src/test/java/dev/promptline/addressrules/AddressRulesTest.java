package dev.promptline.addressrules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.addressrules.AddressRefusedException.Reason;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRulesTest {
    private final AddressRules strict = new AddressRules(List.of());

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "ftp://example.com/, NOT_HTTP",
        "https:///v1, NO_HOST",
        "https://user:pw@example.com/, CREDENTIALS",
        "https://user@127.1/, CREDENTIALS",
        "https://127.1/, AMBIGUOUS_NUMERIC_HOST",
        "https://0x7f.1/, AMBIGUOUS_NUMERIC_HOST",
        "https://2130706433/, AMBIGUOUS_NUMERIC_HOST",
        "https://0177.0.0.1/, AMBIGUOUS_NUMERIC_HOST",
        "https://1.2.3.256/, AMBIGUOUS_NUMERIC_HOST",
        "https://[fe80::1%25eth0]/, ZONE_ID",
        "https://127.0.0.1/, FORBIDDEN_ADDRESS",
        "https://127.0.0.1./, FORBIDDEN_ADDRESS",
        "https://[::ffff:127.0.0.1]/, FORBIDDEN_ADDRESS",
        "https://[::ffff:7f00:1]/, FORBIDDEN_ADDRESS",
        "https://[::a00:1]/, FORBIDDEN_ADDRESS",
        "https://[64:ff9b::a00:1]/, FORBIDDEN_ADDRESS",
        "https://[64:ff9b:1::808:808]/, FORBIDDEN_ADDRESS",
        "https://[2002:a9fe:a9fe::]/, FORBIDDEN_ADDRESS",
        "https://localhost./, FORBIDDEN_ADDRESS",
        "https://localhost.localdomain/, FORBIDDEN_ADDRESS",
        "https://Api.Localhost/, FORBIDDEN_ADDRESS",
    })
    void refuses(String url, Reason reason) {
        assertThatThrownBy(() -> strict.check(URI.create(url)))
                .isInstanceOfSatisfying(
                        AddressRefusedException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://8.8.8.8/v1",
                "https://8.8.8.8./v1",
                "https://[2606:4700::1111]/v1",
                "https://[64:ff9b::808:808]/v1",
                "https://[2002:808:808::]/v1"
            })
    void acceptsPublicAddressesWithNothingLeftToResolve(String url) {
        assertThat(strict.check(URI.create(url))).isEmpty();
    }

    @Test
    void aNameIsLeftToResolveAndItsAddressesAreChecked() throws Exception {
        assertThat(strict.check(URI.create("https://api.openai.example./v1"))).hasValue("api.openai.example");
        assertThatThrownBy(() -> strict.checkResolved(
                        "api.openai.example",
                        List.of(InetAddress.ofLiteral("203.0.113.5"), InetAddress.ofLiteral("10.0.0.5"))))
                .isInstanceOfSatisfying(
                        AddressRefusedException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.FORBIDDEN_ADDRESS));
        strict.checkResolved("api.openai.example", List.of(InetAddress.ofLiteral("203.0.113.5")));
    }

    @Test
    void anOperatorCanAllowHostsAndRanges() {
        var rules = new AddressRules(List.of("ollama.internal.", "localhost", "10.0.0.0/8"));

        assertThat(rules.check(URI.create("http://ollama.internal:11434/v1"))).isEmpty();
        assertThat(rules.check(URI.create("http://localhost./v1"))).isEmpty();
        assertThat(rules.check(URI.create("http://10.20.30.40/v1"))).isEmpty();
        assertThat(rules.check(URI.create("http://[64:ff9b::a00:1]/v1"))).isEmpty();
        assertThatThrownBy(() -> rules.check(URI.create("http://10.1/v1")))
                .as("an ambiguous number stays refused: the allow-list names what it means")
                .isInstanceOf(AddressRefusedException.class);
        assertThatThrownBy(() -> rules.check(URI.create("http://192.168.0.1/v1")))
                .isInstanceOf(AddressRefusedException.class);
    }

    @Test
    void aMalformedRangeIsRefusedWithTheVariableName() {
        assertThatThrownBy(() -> new AddressRules(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MODEL_ALLOWED_HOSTS");
    }
}
