package dev.promptline.api.console;

import dev.promptline.api.platform.tenancy.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The console's own filter chain, ahead of the API's (which never sees a {@code /console} request): a session
 * cookie instead of a bearer key, CSRF tokens on every state-changing request, a strict Content Security Policy, and
 * refusals as pages (a redirect to the sign-in page, a 403 page) rather than problem details. Only the sign-in page
 * and the static assets are public. Reads need any role; changes, the confirmation pages that lead to them and the
 * playground's run streams (a run is paid for) need member or above, whatever the page showed; changes to users, API
 * keys and budgets need admin or owner, as the REST API's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfiguration {
    static final String SIGN_IN = "/console/sign-in";

    /**
     * Everything from this origin, nothing inline: no inline script or style (htmx is told not to add its indicator
     * styles and not to eval), no framing, no plugins, forms post only here.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final String[] WRITERS = {Role.OWNER.authority(), Role.ADMIN.authority(), Role.MEMBER.authority()};
    private static final String[] ADMINISTRATORS = {Role.OWNER.authority(), Role.ADMIN.authority()};

    /** The pages of users, API keys and budgets: any role reads them, as the REST API; only admins change them. */
    private static final String[] ADMINISTRATION = {
        "/console/users",
        "/console/users/**",
        "/console/api-keys",
        "/console/api-keys/**",
        "/console/budgets",
        "/console/budgets/**"
    };

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityFilterChain consoleFilterChain(HttpSecurity http, ConsoleSessions sessions, ConsoleErrorPages pages)
            throws Exception {
        AuthenticationEntryPoint signIn = (request, response, exception) -> {
            String target = SIGN_IN + (request.getAttribute(ConsoleSessionFilter.ENDED) == null ? "" : "?ended");
            if (isEventStream(request)) {
                // An EventSource cannot follow a redirect to a page, and htmx's SSE extension reconnects to a stream
                // that fails: a last event in the stream's own format says why and lets the page close it.
                response.setStatus(HttpStatus.OK.value());
                response.setContentType("text/event-stream");
                response.setCharacterEncoding("UTF-8");
                response.getWriter()
                        .write("event: done\ndata: <p class=\"error\" id=\"run-result\">Your session ended, so this run"
                                + " did not start: <a href=\"" + target + "\">sign in again</a>.</p>\n\n");
                return;
            }
            if (isHtmx(request)) {
                // htmx would swap a redirect's page into a fragment; this makes it load the sign-in page instead.
                response.setHeader("HX-Redirect", target);
                response.setStatus(HttpStatus.UNAUTHORIZED.value());
                return;
            }
            response.sendRedirect(target);
        };
        AccessDeniedHandler denied = (request, response, exception) -> pages.write(
                response,
                null,
                exception instanceof CsrfException
                        ? new ErrorView(
                                403,
                                "This form has expired",
                                "The request carried no valid security token (CSRF). Go back, reload the page and"
                                        + " try again.")
                        : new ErrorView(
                                403,
                                "Not allowed",
                                "Your role does not allow %s %s."
                                        .formatted(request.getMethod(), request.getRequestURI())));
        // The token is rendered into each page as it is; pages are not compressed, so BREACH masking buys nothing.
        var csrfRequestHandler = new CsrfTokenRequestAttributeHandler();
        return http.securityMatcher("/console", "/console/**")
                .csrf(csrf ->
                        csrf.csrfTokenRepository(new ConsoleCsrfTokens()).csrfTokenRequestHandler(csrfRequestHandler))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                .addFilterBefore(new ConsoleSessionFilter(sessions), AuthorizationFilter.class)
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(signIn).accessDeniedHandler(denied))
                .authorizeHttpRequests(requests -> requests.requestMatchers("/console/assets/**", SIGN_IN)
                        .permitAll()
                        .requestMatchers(
                                HttpMethod.GET,
                                "/console/prompts/*/labels/move",
                                "/console/runs/**",
                                "/console/models/new",
                                "/console/models/*/edit",
                                "/console/experiments/new",
                                "/console/leaderboards/new",
                                "/console/prompts/new")
                        .hasAnyAuthority(WRITERS)
                        .requestMatchers(
                                HttpMethod.GET,
                                "/console/users/*/remove",
                                "/console/api-keys/*/revoke",
                                "/console/budgets/*/remove")
                        .hasAnyAuthority(ADMINISTRATORS)
                        .requestMatchers(HttpMethod.GET, "/console", "/console/**")
                        .authenticated()
                        .requestMatchers(HttpMethod.POST, "/console/sign-out")
                        .authenticated()
                        .requestMatchers(ADMINISTRATION)
                        .hasAnyAuthority(ADMINISTRATORS)
                        .anyRequest()
                        .hasAnyAuthority(WRITERS))
                .build();
    }

    static boolean isEventStream(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/event-stream");
    }

    static boolean isHtmx(HttpServletRequest request) {
        return "true".equals(request.getHeader("HX-Request"));
    }
}
