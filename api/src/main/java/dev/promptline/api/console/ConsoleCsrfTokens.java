package dev.promptline.api.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/**
 * CSRF tokens in a cookie (double submit): a form or an htmx request must send the token the page was rendered with,
 * which another site can neither read nor set. A cookie rather than the session row, so the sign-in form is protected
 * too (login CSRF). Spring's CookieCsrfTokenRepository decides the Secure flag from the request alone; this one
 * follows {@link ConsoleCookies}.
 */
final class ConsoleCsrfTokens implements CsrfTokenRepository {
    static final String HEADER = "X-CSRF-Token";
    static final String PARAMETER = "_csrf";

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return new DefaultCsrfToken(HEADER, PARAMETER, UUID.randomUUID().toString());
    }

    @Override
    public void saveToken(@Nullable CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        var cookie = token == null
                ? ConsoleCookies.expired(request, ConsoleCookies.CSRF)
                : ConsoleCookies.csrf(request, token.getToken());
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }

    @Override
    public @Nullable CsrfToken loadToken(HttpServletRequest request) {
        String value = ConsoleCookies.read(request, ConsoleCookies.CSRF);
        return value == null ? null : new DefaultCsrfToken(HEADER, PARAMETER, value);
    }
}
