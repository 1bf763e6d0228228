package dev.promptline.addressrules;

import dev.promptline.addressrules.AddressRefusedException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Server-side request forgery guard for provider base URLs, which are user input the platform will call: only http
 * and https; no credentials in the URL; no loopback, link-local (cloud metadata), private, shared (carrier-grade NAT),
 * unique-local, multicast or unspecified address unless the operator allows the host or range
 * ({@code MODEL_ALLOWED_HOSTS}). Addresses are recognised however they are written: IPv4 inside IPv6 (mapped,
 * compatible, NAT64, 6to4), loopback names with a trailing dot or {@code .localdomain}. A host written as a number in
 * any form but four decimal parts ({@code 127.1}, {@code 0x7f.1}, {@code 2130706433}, {@code 0177.0.0.1}) is refused
 * outright, since resolvers and HTTP clients disagree on what it means; so is an IPv6 zone id, which names a local
 * interface.
 *
 * <p>{@link #check} covers everything a URL says by itself and returns the name still to be resolved; the caller
 * resolves it (with its own deadline and its own answer to a name that does not resolve) and hands the addresses to
 * {@link #checkResolved}. The api's registry applies this at registration, the runtime again where it connects.
 */
public final class AddressRules {
    private static final Set<String> LOOPBACK_NAMES = Set.of(
            "localhost",
            "localhost.localdomain",
            "localhost6",
            "localhost6.localdomain6",
            "ip6-localhost",
            "ip6-loopback");
    /** A label that reads as a number to some parser: decimal, octal (leading zero) or hexadecimal. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

    private final List<String> allowedHosts;
    private final List<Cidr> allowedRanges;

    /** {@code allowed}: host names and CIDR ranges that may be called although private or local. */
    public AddressRules(List<String> allowed) {
        this.allowedHosts = allowed.stream()
                .map(String::strip)
                .filter(entry -> !entry.isEmpty() && !entry.contains("/"))
                .map(entry -> withoutTrailingDot(entry.toLowerCase(Locale.ROOT)))
                .toList();
        this.allowedRanges = allowed.stream()
                .map(String::strip)
                .filter(entry -> entry.contains("/"))
                .map(Cidr::parse)
                .toList();
    }

    /**
     * Refuses a URL whose form or literal address the rules forbid.
     *
     * @return the host name to resolve and pass to {@link #checkResolved}, or empty when there is nothing left to
     *     check (an address written literally, a loopback name, an allowed host)
     * @throws AddressRefusedException when the URL is refused
     */
    public Optional<String> check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new AddressRefusedException(Reason.NOT_HTTP, "must be an http or https URL");
        }
        String authority = url.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new AddressRefusedException(Reason.NO_HOST, "must name a host");
        }
        // Also for an authority java.net.URI could not parse as a server (127.1, 0x7f.1): it has no user info then.
        if (url.getRawUserInfo() != null || authority.contains("@")) {
            throw new AddressRefusedException(Reason.CREDENTIALS, "must not carry credentials");
        }
        String host = (url.getHost() != null ? url.getHost() : hostOf(authority)).toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            checkLiteral(ipv6Literal(host));
            return Optional.empty();
        }
        String name = withoutTrailingDot(host);
        if (name.isEmpty() || name.endsWith(".")) {
            throw new AddressRefusedException(Reason.NO_HOST, "must name a host");
        }
        if (allowedHosts.contains(name)) {
            return Optional.empty();
        }
        String[] labels = name.split("\\.", -1);
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            checkLiteral(canonicalIpv4(name, labels));
            return Optional.empty();
        }
        if (isLoopbackName(name)) {
            checkLiteral(InetAddress.getLoopbackAddress());
            return Optional.empty();
        }
        return Optional.of(name);
    }

    /**
     * Refuses a name that resolved to a forbidden address (any one of them: a client may connect to whichever).
     *
     * @throws AddressRefusedException when one of the addresses is forbidden and not allowed
     */
    public void checkResolved(String host, Collection<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            if (isRefused(address)) {
                throw new AddressRefusedException(
                        Reason.FORBIDDEN_ADDRESS,
                        "resolves to %s, a private, local or metadata address".formatted(address.getHostAddress()));
            }
        }
    }

    /** Loopback, link-local, private, shared, unique-local, multicast or unspecified, also when embedded in IPv6. */
    public static boolean isForbidden(InetAddress address) {
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
            // fc00::/7: unique local addresses, the IPv6 private ranges. 64:ff9b:1::/48: NAT64 for local use only.
            if ((bytes[0] & 0xfe) == 0xfc || startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
                return true;
            }
            InetAddress embedded = embeddedIpv4(bytes);
            return embedded != null && isForbidden(embedded);
        }
        return false;
    }

    private boolean isRefused(InetAddress address) {
        if (!isForbidden(address) || inAllowedRange(address)) {
            return false;
        }
        InetAddress embedded = address instanceof Inet6Address ? embeddedIpv4(address.getAddress()) : null;
        return embedded == null || !inAllowedRange(embedded);
    }

    private boolean inAllowedRange(InetAddress address) {
        return allowedRanges.stream().anyMatch(range -> range.contains(address));
    }

    private void checkLiteral(InetAddress address) {
        if (isRefused(address)) {
            throw new AddressRefusedException(
                    Reason.FORBIDDEN_ADDRESS,
                    "points at %s, a private, local or metadata address".formatted(address.getHostAddress()));
        }
    }

    private static InetAddress ipv6Literal(String bracketed) {
        String literal = bracketed.substring(1, bracketed.length() - (bracketed.endsWith("]") ? 1 : 0));
        if (literal.contains("%")) {
            throw new AddressRefusedException(
                    Reason.ZONE_ID,
                    "must not carry an IPv6 zone id (%s): it names a local interface".formatted(literal));
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new AddressRefusedException(Reason.NO_HOST, "has an invalid IPv6 address");
        }
    }

    /** The address of a host that ends in a numeric label, if it is written as four decimal parts; else refused. */
    private static InetAddress canonicalIpv4(String name, String[] labels) {
        if (labels.length == 4) {
            byte[] bytes = new byte[4];
            boolean canonical = true;
            for (int i = 0; i < 4 && canonical; i++) {
                canonical = CANONICAL_OCTET.matcher(labels[i]).matches() && Integer.parseInt(labels[i]) <= 255;
                bytes[i] = canonical ? (byte) Integer.parseInt(labels[i]) : 0;
            }
            if (canonical) {
                try {
                    return InetAddress.getByAddress(bytes);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes are an IPv4 address", e);
                }
            }
        }
        throw new AddressRefusedException(
                Reason.AMBIGUOUS_NUMERIC_HOST,
                "writes its host %s as a number in a form clients read differently; use four decimal parts (a.b.c.d)"
                        .formatted(name));
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) one. */
    private static @Nullable InetAddress embeddedIpv4(byte[] bytes) {
        byte[] v4;
        if (startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)
                || startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                || startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)) {
            v4 = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        } else if (startsWith(bytes, 0x20, 0x02)) {
            v4 = new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]};
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopbackName(String name) {
        return LOOPBACK_NAMES.contains(name) || name.endsWith(".localhost") || name.endsWith(".localhost.localdomain");
    }

    private static String hostOf(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static String withoutTrailingDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
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
