package dev.promptline.api.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.runtime.llm.AddressGuard;
import dev.promptline.runtime.llm.ModelCallException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registry (which refuses a base URL when a model is registered) and the runtime (which refuses it again where it
 * connects) apply one rule set, module {@code address-rules}. A URL one accepts and the other refuses is either a
 * model that can be registered but never runs, or a hole in the first check: on addresses however they are written,
 * on loopback names, and with an operator's allow-list, they must agree.
 */
class AddressRulesAgreementTest {
    private static final List<String> ALLOWED = List.of("10.0.0.0/8", "fd00::/8");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.255.255.254",
                "0.0.0.0",
                "0.1.2.3",
                "10.0.0.1",
                "172.15.255.255",
                "172.16.0.1",
                "172.31.255.255",
                "172.32.0.1",
                "192.168.0.1",
                "169.254.169.254",
                "100.63.255.255",
                "100.64.0.1",
                "100.127.255.255",
                "100.128.0.1",
                "224.0.0.1",
                "8.8.8.8",
                "203.0.113.10",
                "[::1]",
                "[::]",
                "[fc00::1]",
                "[fd12::1]",
                "[fe80::1]",
                "[fec0::1]",
                "[ff02::1]",
                "[2001:db8::1]",
                "[2606:4700::1111]",
                "[::ffff:10.0.0.1]",
                "[::ffff:8.8.8.8]",
                // Numbers in other forms than four decimal parts, which parsers read differently.
                "127.1",
                "0x7f.1",
                "2130706433",
                "0177.0.0.1",
                "0x7f000001",
                "017700000001",
                "10.1",
                "0x0a.0.0.1",
                "127.0.0.1.",
                "8.8.8.8.",
                "134744072",
                // IPv4 inside IPv6.
                "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]",
                "[::127.0.0.1]",
                "[64:ff9b::a00:1]",
                "[64:ff9b::7f00:1]",
                "[64:ff9b::808:808]",
                "[64:ff9b:1::1]",
                "[2002:7f00:1::]",
                "[2002:808:808::]",
                // Zone ids name a local interface.
                "[fe80::1%25eth0]",
                "[::1%25lo]",
                "[2606:4700::1111%25eth0]",
                // Loopback by name, however spelled.
                "localhost",
                "localhost.",
                "LOCALHOST",
                "localhost.localdomain",
                "localhost.localdomain.",
                "api.localhost",
                "api.localhost.",
                "ip6-localhost"
            })
    void theRegistryAndTheRuntimeRefuseTheSameAddresses(String host) {
        String url = "https://" + host + ":8443/v1";

        assertThat(runtimeRefuses(new AddressGuard(List.of()), url))
                .as("the runtime refuses %s, by default", url)
                .isEqualTo(registryRefuses(new BaseUrlPolicy(List.of()), url));
        assertThat(runtimeRefuses(new AddressGuard(ALLOWED), url))
                .as("the runtime refuses %s, with %s allowed", url, ALLOWED)
                .isEqualTo(registryRefuses(new BaseUrlPolicy(ALLOWED), url));
    }

    /** The forms the registry used to accept although the runtime refused them (or read them otherwise). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.1",
                "0x7f.1",
                "2130706433",
                "0177.0.0.1",
                "[::ffff:127.0.0.1]",
                "[64:ff9b::a00:1]",
                "[fe80::1%25eth0]",
                "localhost.",
                "localhost.localdomain",
                "127.0.0.1.",
                "0x7f000001",
                "[64:ff9b::7f00:1]"
            })
    void bothRefuseLoopbackAndPrivateAddressesWrittenInOtherForms(String host) {
        String url = "http://" + host + ":8000/v1";

        assertThat(registryRefuses(new BaseUrlPolicy(List.of()), url))
                .as("the registry refuses %s", url)
                .isTrue();
        assertThat(runtimeRefuses(new AddressGuard(List.of()), url))
                .as("the runtime refuses %s", url)
                .isTrue();
    }

    private static boolean registryRefuses(BaseUrlPolicy policy, String url) {
        try {
            policy.check(url);
            return false;
        } catch (PromptlineException refused) {
            return true;
        }
    }

    private static boolean runtimeRefuses(AddressGuard guard, String url) {
        try {
            guard.check(URI.create(url));
            return false;
        } catch (ModelCallException refused) {
            assertThat(refused.kind()).isEqualTo(ModelCallException.Kind.ADDRESS_FORBIDDEN);
            return true;
        }
    }
}
