package dev.promptline.api.platform.security;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.web.ProblemErrorController;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Charges each authenticated request to its API key's bucket and answers 429 when the bucket is empty. */
final class RateLimitFilter extends OncePerRequestFilter {
    private final RateLimiter limiter;

    RateLimitFilter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            chain.doFilter(request, response);
            return;
        }
        var decision = limiter.take(caller.apiKeyId().toString());
        if (decision.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("RateLimit-Limit", String.valueOf(decision.get().limit()));
        response.setHeader("RateLimit-Remaining", String.valueOf(decision.get().remaining()));
        response.setHeader("RateLimit-Reset", String.valueOf(decision.get().resetSeconds()));
        if (!decision.get().allowed()) {
            long retryAfter = decision.get().retryAfterSeconds();
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
            ProblemErrorController.describe(
                    request,
                    ErrorCode.RATE_LIMITED,
                    "This API key made more than %d requests in a burst; retry in %d s."
                            .formatted(decision.get().limit(), retryAfter));
            response.sendError(HttpStatus.TOO_MANY_REQUESTS.value());
            return;
        }
        chain.doFilter(request, response);
    }
}
