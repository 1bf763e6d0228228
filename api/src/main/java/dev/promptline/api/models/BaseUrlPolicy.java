package dev.promptline.api.models;

import dev.promptline.addressrules.AddressRefusedException;
import dev.promptline.addressrules.AddressRules;
import dev.promptline.api.platform.errors.PromptlineException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Server-side request forgery guard for model base URLs, applied when a model is registered or changed. The rules
 * are {@link AddressRules}, the same set the runtime applies where it connects (module {@code address-rules}); this
 * class only resolves names with a deadline and words the refusal as a field error. The runtime repeats the check on
 * the address it actually connects to, so a name that changes its answer later is caught there.
 */
final class BaseUrlPolicy {
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);
    private static final String POINTER = "#/baseUrl";

    private final AddressRules rules;

    BaseUrlPolicy(List<String> allowed) {
        try {
            this.rules = new AddressRules(allowed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    URI check(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw PromptlineException.invalidField(POINTER, "is not a valid URL");
        }
        try {
            rules.check(url).ifPresent(host -> rules.checkResolved(host, resolve(host)));
        } catch (AddressRefusedException refused) {
            throw PromptlineException.invalidField(POINTER, detail(refused));
        }
        return url;
    }

    private static String detail(AddressRefusedException refused) {
        return switch (refused.reason()) {
            case CREDENTIALS -> refused.getMessage() + "; use the credential field";
            case FORBIDDEN_ADDRESS -> refused.getMessage() + "; an operator can allow it with MODEL_ALLOWED_HOSTS";
            default -> refused.getMessage();
        };
    }

    /** A name that does not resolve from here is accepted: the runtime checks what it resolves to when called. */
    private static List<InetAddress> resolve(String host) {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return List.of(InetAddress.getAllByName(host));
                                } catch (UnknownHostException e) {
                                    return List.<InetAddress>of();
                                }
                            },
                            executor)
                    .get(RESOLVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
