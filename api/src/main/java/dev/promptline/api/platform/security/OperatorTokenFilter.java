package dev.promptline.api.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <operator key>} on {@code /operator/**}, and only there: an API key is
 * never an operator, and the operator key is never an API key. The comparison is of SHA-256 digests in constant time,
 * so neither the key's content nor its length leaks through timing. Without {@code OPERATOR_API_KEY} nothing
 * authenticates and every operator request is refused.
 */
final class OperatorTokenFilter extends OncePerRequestFilter {
    static final String PATHS = "/operator/**";
    static final String AUTHORITY = "ROLE_OPERATOR";
    private static final String PREFIX = "/operator/";
    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;
    private final boolean enabled;
    private final AuthenticationEntryPoint entryPoint;

    OperatorTokenFilter(OperatorProperties properties, AuthenticationEntryPoint entryPoint) {
        this.enabled = properties.enabled();
        this.expectedDigest = sha256(properties.apiKey());
        this.entryPoint = entryPoint;
    }

    static boolean isOperatorPath(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + PREFIX);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isOperatorPath(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            // Anonymous: the rules refuse it, with the entry point's problem detail.
            chain.doFilter(request, response);
            return;
        }
        boolean bearer = header.regionMatches(true, 0, BEARER, 0, BEARER.length());
        byte[] presented = sha256(bearer ? header.substring(BEARER.length()).strip() : "");
        if (!enabled || !bearer || !MessageDigest.isEqual(presented, expectedDigest)) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("Not the operator key."));
            return;
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(
                "operator", null, List.of(new SimpleGrantedAuthority(AUTHORITY)));
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
