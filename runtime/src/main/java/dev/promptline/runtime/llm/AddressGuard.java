package dev.promptline.runtime.llm;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The registry's address rules, applied where the connection is made: a provider URL may not reach loopback,
 * link-local (cloud metadata), private, shared, unique-local or unspecified addresses unless the operator allows the
 * host or range ({@code MODEL_ALLOWED_HOSTS}). The check runs on the addresses the name resolves to now, so a name
 * registered while it pointed elsewhere is refused too. The HTTP client then resolves through the same JVM address
 * cache, so it connects to what was checked unless the cache entry expires in between (30 s by default).
 */
public final class AddressGuard {
    private final List<String> allowedHosts;
    private final List<Cidr> allowedRanges;

    public AddressGuard(List<String> allowed) {
        this.allowedHosts = allowed.stream()
                .filter(entry -> !entry.contains("/"))
                .map(entry -> entry.toLowerCase(Locale.ROOT))
                .toList();
        this.allowedRanges = allowed.stream()
                .filter(entry -> entry.contains("/"))
                .map(Cidr::parse)
                .toList();
    }

    /** Refuses a URL this runtime may not call, before any byte is sent to it. */
    public void check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new ModelCallException(
                    ModelCallException.Kind.INVALID_REQUEST, "The base URL must be an http or https URL", false);
        }
        if (url.getRawUserInfo() != null) {
            // As the registry refuses them: a password in a URL ends up in logs and error messages.
            throw new ModelCallException(
                    ModelCallException.Kind.INVALID_REQUEST,
                    "The base URL must not carry credentials; send them in the model's credential",
                    false);
        }
        String host = url.getHost().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        if (allowedHosts.contains(host)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ModelCallException(
                    ModelCallException.Kind.PROVIDER_UNAVAILABLE, "Cannot resolve the provider host " + host, true, e);
        }
        for (InetAddress address : addresses) {
            if (isForbidden(address) && allowedRanges.stream().noneMatch(range -> range.contains(address))) {
                throw new ModelCallException(
                        ModelCallException.Kind.ADDRESS_FORBIDDEN,
                        "The provider host %s resolves to %s, a private, local or metadata address; an operator can allow it with MODEL_ALLOWED_HOSTS"
                                .formatted(host, address.getHostAddress()),
                        false);
            }
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
        return switch (address) {
            // 100.64.0.0/10 (carrier-grade NAT, also used inside clusters) and 0.0.0.0/8.
            case Inet4Address v4 -> (bytes[0] == 100 && (bytes[1] & 0xc0) == 64) || bytes[0] == 0;
            // fc00::/7: unique local addresses, the IPv6 private ranges.
            case Inet6Address v6 -> (bytes[0] & 0xfe) == 0xfc;
            default -> false;
        };
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
                throw new IllegalArgumentException("MODEL_ALLOWED_HOSTS has an invalid range: " + text, e);
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
