package dev.promptline.api.platform.tenancy;

import java.util.Locale;

/** What a user may do in their organization. Ordered from most to least powerful. */
public enum Role {
    OWNER,
    ADMIN,
    MEMBER,
    VIEWER;

    /** The value stored in the database and shown in the API. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The Spring Security authority that request rules check. */
    public String authority() {
        return "ROLE_" + name();
    }

    public boolean isAtLeast(Role other) {
        return compareTo(other) <= 0;
    }
}
