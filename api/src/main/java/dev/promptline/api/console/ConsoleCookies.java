package dev.promptline.api.console;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseCookie;

/**
 * The console's two cookies, both HttpOnly, SameSite=Strict and scoped to {@code /console}: the session token and
 * the CSRF token. They are {@code Secure} everywhere but plain HTTP on a loopback address, where a browser would drop
 * a Secure cookie (a developer's {@code http://localhost:8080}); behind a TLS proxy the host is not loopback.
 */
final class ConsoleCookies {
    static final String SESSION = "promptline_console";
    static final String CSRF = "promptline_console_csrf";
    static final String PATH = "/console";

    static ResponseCookie session(HttpServletRequest request, String token, Duration maxAge) {
        return cookie(request, SESSION, token).maxAge(maxAge).build();
    }

    static ResponseCookie expired(HttpServletRequest request, String name) {
        return cookie(request, name, "").maxAge(0).build();
    }

    static ResponseCookie csrf(HttpServletRequest request, String token) {
        return cookie(request, CSRF, token).build();
    }

    static @Nullable String read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name) && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        return null;
    }

    static boolean secure(HttpServletRequest request) {
        return request.isSecure() || !isLoopback(request.getServerName());
    }

    private static ResponseCookie.ResponseCookieBuilder cookie(HttpServletRequest request, String name, String value) {
        return ResponseCookie.from(name, value)
                .path(PATH)
                .httpOnly(true)
                .sameSite("Strict")
                .secure(secure(request));
    }

    private static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost")
                || name.endsWith(".localhost")
                || name.startsWith("127.")
                || name.equals("::1")
                || name.equals("[::1]");
    }

    private ConsoleCookies() {}
}
