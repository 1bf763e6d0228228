package dev.promptline.api.models;

import dev.promptline.api.platform.errors.PromptlineException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Server-side request forgery guard for model base URLs, which are user input the platform will call. Only http and
 * https; no credentials in the URL; no loopback, link-local (cloud metadata), private, shared or unspecified
 * addresses, whether written literally or reached through a name, unless the operator allows the host or range.
 * The runtime repeats the check on the address it actually connects to, so a name that changes its answer later
 * is caught there.
 */
final class BaseUrlPolicy {
    private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(2);
    private static final String POINTER = "#/baseUrl";

    private final List<String> allowedHosts;
    private final List<Cidr> allowedRanges;

    BaseUrlPolicy(List<String> allowed) {
        this.allowedHosts = allowed.stream()
                .filter(entry -> !entry.contains("/"))
                .map(entry -> entry.toLowerCase(Locale.ROOT))
                .toList();
        this.allowedRanges = allowed.stream()
                .filter(entry -> entry.contains("/"))
                .map(Cidr::parse)
                .toList();
    }

    URI check(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw PromptlineException.invalidField(POINTER, "is not a valid URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw PromptlineException.invalidField(POINTER, "must be an http or https URL");
        }
        if (url.getHost() == null) {
            throw PromptlineException.invalidField(POINTER, "must name a host");
        }
        if (url.getRawUserInfo() != null) {
            throw PromptlineException.invalidField(POINTER, "must not carry credentials; use the credential field");
        }
        String host = url.getHost().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        if (allowedHosts.contains(host)) {
            return url;
        }
        for (InetAddress address : addressesOf(host)) {
            if (isForbidden(address) && allowedRanges.stream().noneMatch(range -> range.contains(address))) {
                throw PromptlineException.invalidField(
                        POINTER,
                        "points at a private, local or metadata address (%s); an operator can allow it with "
                                        .formatted(address.getHostAddress())
                                + "MODEL_ALLOWED_HOSTS");
            }
        }
        return url;
    }

    private static List<InetAddress> addressesOf(String host) {
        try {
            return List.of(InetAddress.ofLiteral(host));
        } catch (IllegalArgumentException notALiteral) {
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                return List.of(InetAddress.getLoopbackAddress());
            }
            return resolve(host);
        }
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

    static boolean isForbidden(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            // 100.64.0.0/10 (carrier-grade NAT, also used inside clusters) and 0.0.0.0/8.
            return (first == 100 && second >= 64 && second <= 127) || first == 0;
        }
        if (address instanceof Inet6Address) {
            // fc00::/7: unique local addresses, the IPv6 private ranges.
            return (bytes[0] & 0xfe) == 0xfc;
        }
        return false;
    }

    /** An allowed address range, such as {@code 10.0.0.0/8}. */
    record Cidr(byte[] network, int prefixLength) {
        static Cidr parse(String text) {
            String[] parts = text.split("/", 2);
            try {
                byte[] network = InetAddress.ofLiteral(parts[0]).getAddress();
                int prefixLength = Integer.parseInt(parts[1]);
                if (prefixLength < 0 || prefixLength > network.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range");
                }
                return new Cidr(network, prefixLength);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("MODEL_ALLOWED_HOSTS has an invalid range: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefixLength; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
