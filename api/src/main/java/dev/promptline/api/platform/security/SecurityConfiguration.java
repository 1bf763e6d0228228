package dev.promptline.api.platform.security;

import dev.promptline.api.platform.errors.ErrorCode;
import dev.promptline.api.platform.redis.RedisProperties;
import dev.promptline.api.platform.tenancy.Role;
import dev.promptline.api.platform.web.ProblemErrorController;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Who may call what. Denied by default: every path needs an API key unless it is one of {@link #PUBLIC} (probes,
 * the OpenAPI document, Swagger UI, the error page) or an actuator endpoint on the management port, so a new
 * endpoint cannot be public by accident. Reads need any role, writes need member or above, and managing the
 * organization's users and keys needs admin or above; the OpenAI-compatible API under {@code /v1/**} follows the same
 * rules. Refusals are problem details (OpenAI's error shape under {@code /v1/**}), written through the same error
 * dispatch as every other error; an unknown path without a key is refused as unauthenticated, not found. The tenant
 * administration API under {@code /operator/**} takes the operator key ({@code OPERATOR_API_KEY}) and nothing else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {
    /** The only paths of the API's port that need no key. */
    static final String[] PUBLIC = {
        "/health",
        "/ready",
        "/v3/api-docs",
        "/v3/api-docs.yaml",
        "/v3/api-docs/**",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/error"
    };

    /** The probes: public, read-only, and asked for by load balancers and the kubelet all day long. */
    static final String[] PROBES = {"/health", "/ready"};

    private static final String[] ADMINISTRATION = {"/api/v1/users/**", "/api/v1/api-keys/**", "/api/v1/budgets/**"};

    @Bean
    RateLimiter rateLimiter(
            ObjectProvider<StringRedisTemplate> redis,
            RedisProperties redisProperties,
            RateLimitProperties limits,
            MeterRegistry meters) {
        return new RateLimiter(
                redis.getIfAvailable(),
                redisProperties,
                "ratelimit",
                limits.burst(),
                limits.requestsPerMinute(),
                RateLimiter.leaseFor(limits.burst()),
                meters);
    }

    /**
     * No observation of the filter chain: with observations on, Spring Security wraps each of its filters in an
     * observing decorator on every request (even when the observations themselves are switched off), CPU paid per
     * request for spans and timers nobody reads. Requests are still observed once, by Spring MVC.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The probes take a chain of their own with only what a public answer needs: the security headers. The main chain
     * would run a dozen filters on them (security context, anonymous authentication, session management, request
     * cache, exception translation, the authorization rules) only to reach {@code permitAll}. Nothing is
     * authenticated here, so an {@code Authorization} header is ignored rather than checked, as {@code permitAll}
     * paths never required one. ProbeSecurityIT checks the headers and that no other path takes this chain.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain probeFilterChain(HttpSecurity http) throws Exception {
        return http.securityMatcher(PROBES)
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .securityContext(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .exceptionHandling(AbstractHttpConfigurer::disable)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain securityFilterChain(
            HttpSecurity http, CallerAuthenticator authenticator, RateLimiter rateLimiter, OperatorProperties operator)
            throws Exception {
        AuthenticationEntryPoint entryPoint = (request, response, exception) -> {
            ProblemErrorController.describe(
                    request, ErrorCode.UNAUTHENTICATED, unauthenticatedDetail(request, operator));
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            response.sendError(HttpStatus.UNAUTHORIZED.value());
        };
        AccessDeniedHandler accessDenied = (request, response, exception) -> {
            ProblemErrorController.describe(
                    request,
                    ErrorCode.FORBIDDEN,
                    "Your role does not allow %s %s.".formatted(request.getMethod(), request.getRequestURI()));
            response.sendError(HttpStatus.FORBIDDEN.value());
        };
        var bearerTokens = new BearerTokenFilter(authenticator, entryPoint);
        var operatorToken = new OperatorTokenFilter(operator, entryPoint);
        // API keys in a header, no cookies: there is no session to protect from CSRF and nothing to remember.
        return http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .addFilterBefore(operatorToken, AuthorizationFilter.class)
                .addFilterBefore(bearerTokens, AuthorizationFilter.class)
                .addFilterAfter(new RateLimitFilter(rateLimiter), BearerTokenFilter.class)
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
                .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(PUBLIC)
                        .permitAll()
                        // Metrics and probes on the management port, which stays off the ingress; on the API's
                        // port, where the actuator is not served, this matches nothing.
                        .requestMatchers(EndpointRequest.toAnyEndpoint())
                        .permitAll()
                        .requestMatchers(OperatorTokenFilter.PATHS)
                        .hasAuthority(OperatorTokenFilter.AUTHORITY)
                        .requestMatchers(HttpMethod.GET, ADMINISTRATION)
                        .authenticated()
                        .requestMatchers(ADMINISTRATION)
                        .hasAnyAuthority(Role.OWNER.authority(), Role.ADMIN.authority())
                        // The OpenAI-compatible API (/v1/**) takes the same keys and rules: reads any role, the
                        // completions member or above, as execute does.
                        .requestMatchers(HttpMethod.GET, "/api/**", "/v1/**")
                        .authenticated()
                        .requestMatchers("/api/**", "/v1/**")
                        .hasAnyAuthority(Role.OWNER.authority(), Role.ADMIN.authority(), Role.MEMBER.authority())
                        .anyRequest()
                        .authenticated())
                .build();
    }

    private static String unauthenticatedDetail(HttpServletRequest request, OperatorProperties operator) {
        boolean anonymous = request.getHeader(HttpHeaders.AUTHORIZATION) == null;
        if (!OperatorTokenFilter.isOperatorPath(request)) {
            return anonymous
                    ? "Send an API key as 'Authorization: Bearer <key>'."
                    : "The API key is invalid, expired or revoked.";
        }
        if (!operator.enabled()) {
            return "The operator API is off: the service has no OPERATOR_API_KEY.";
        }
        return anonymous
                ? "Send the operator key as 'Authorization: Bearer <OPERATOR_API_KEY>'."
                : "That is not the operator key (an API key is never one).";
    }
}
