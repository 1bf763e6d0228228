package dev.promptline.runtime.llm;

import dev.promptline.addressrules.AddressRefusedException;
import dev.promptline.addressrules.AddressRules;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The registry's address rules ({@link AddressRules}, module {@code address-rules}, the one copy both apply),
 * applied where the connection is made. The check runs on the addresses the name resolves to now, so a name
 * registered while it pointed elsewhere is refused too. The HTTP client then resolves through the same JVM address
 * cache, so it connects to what was checked unless the cache entry expires in between (30 s by default).
 */
public final class AddressGuard {
    private final AddressRules rules;

    public AddressGuard(List<String> allowed) {
        this.rules = new AddressRules(allowed);
    }

    /** Refuses a URL this runtime may not call, before any byte is sent to it. */
    public void check(URI url) {
        try {
            Optional<String> host = rules.check(url);
            if (host.isPresent()) {
                rules.checkResolved(host.get(), resolve(host.get()));
            }
        } catch (AddressRefusedException refused) {
            throw refusal(url, refused);
        }
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            throw new ModelCallException(
                    ModelCallException.Kind.PROVIDER_UNAVAILABLE, "Cannot resolve the provider host " + host, true, e);
        }
    }

    private static ModelCallException refusal(URI url, AddressRefusedException refused) {
        return switch (refused.reason()) {
            case NOT_HTTP, NO_HOST ->
                new ModelCallException(
                        ModelCallException.Kind.INVALID_REQUEST, "The base URL must be an http or https URL", false);
            // As the registry refuses them: a password in a URL ends up in logs and error messages.
            case CREDENTIALS ->
                new ModelCallException(
                        ModelCallException.Kind.INVALID_REQUEST,
                        "The base URL must not carry credentials; send them in the model's credential",
                        false);
            default ->
                new ModelCallException(
                        ModelCallException.Kind.ADDRESS_FORBIDDEN,
                        "The provider base URL %s %s; an operator can allow it with MODEL_ALLOWED_HOSTS"
                                .formatted(redacted(url), refused.getMessage()),
                        false);
        };
    }

    /** Scheme, host and port only: never a path or query that might carry something private. */
    private static String redacted(URI url) {
        return url.getScheme() + "://" + (url.getHost() != null ? url.getHost() : url.getRawAuthority());
    }
}
