package dev.promptline.api.console;

import dev.promptline.api.platform.tenancy.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns the session cookie into the request's caller, with the role the user has now. A cookie whose session has
 * ended is cleared, and the request goes on anonymous (the rules then send it to the sign-in page, which says why).
 */
final class ConsoleSessionFilter extends OncePerRequestFilter {
    /** Set when the request came with a session that has ended, so the sign-in page can say so. */
    static final String ENDED = ConsoleSessionFilter.class.getName() + ".ended";

    private final ConsoleSessions sessions;

    ConsoleSessionFilter(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/console/assets/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = ConsoleCookies.read(request, ConsoleCookies.SESSION);
        Optional<Caller> caller = token == null ? Optional.empty() : sessions.resume(token);
        if (token != null && caller.isEmpty()) {
            request.setAttribute(ENDED, true);
            response.addHeader(
                    HttpHeaders.SET_COOKIE,
                    ConsoleCookies.expired(request, ConsoleCookies.SESSION).toString());
        }
        if (caller.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(
                caller.get(),
                null,
                List.of(new SimpleGrantedAuthority(caller.get().role().authority())));
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
