package dev.promptline.api.console;

import org.jspecify.annotations.Nullable;

/**
 * What every console page's frame needs: the CSRF token for its forms and htmx requests, and who is signed in.
 *
 * @param canWrite whether the signed-in role may change things (member or above); the server checks regardless
 * @param canAdminister whether the signed-in role may manage users, API keys and budgets (admin or owner)
 */
public record Shell(
        String csrfHeader,
        String csrfParameter,
        String csrfToken,
        @Nullable String userEmail,
        @Nullable String role,
        boolean canWrite,
        boolean canAdminister) {
    /** htmx sends these headers with every request it makes (hx-headers on the body). */
    public String htmxHeaders() {
        return "{\"" + csrfHeader + "\": \"" + csrfToken + "\"}";
    }

    public boolean signedIn() {
        return userEmail != null;
    }
}
