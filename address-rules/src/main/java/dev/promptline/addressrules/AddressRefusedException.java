package dev.promptline.addressrules;

import static java.util.Objects.requireNonNull;

/** A base URL the rules refuse, with why: each side turns it into its own error. */
public final class AddressRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a URL is refused. The first three are about its form; the rest about where it points. */
    public enum Reason {
        NOT_HTTP,
        NO_HOST,
        CREDENTIALS,
        /** A host written as a number in a form other than four decimal parts: clients disagree on what it means. */
        AMBIGUOUS_NUMERIC_HOST,
        /** An IPv6 address with a zone id: it names a local interface, never a provider. */
        ZONE_ID,
        /** Loopback, link-local, private, shared, unique-local, multicast or unspecified, and not allowed. */
        FORBIDDEN_ADDRESS;

        /** True when the URL points somewhere it may not, rather than being malformed. */
        public boolean isAboutTheAddress() {
            return this != NOT_HTTP && this != NO_HOST && this != CREDENTIALS;
        }
    }

    private final Reason reason;

    AddressRefusedException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
