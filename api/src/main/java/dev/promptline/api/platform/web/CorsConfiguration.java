package dev.promptline.api.platform.web;

import dev.promptline.api.platform.errors.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for the REST API, from configuration. A filter rather than MVC's CORS mappings, so a preflight is answered
 * before authentication, and a refused origin gets a problem detail instead of Spring's plain-text body.
 */
@Configuration(proxyBeanMethods = false)
class CorsConfiguration {

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(WebProperties properties) {
        var cors = new org.springframework.web.cors.CorsConfiguration();
        cors.setAllowedOrigins(properties.corsAllowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(
                "Authorization", "Content-Type", "Accept", "Idempotency-Key", "Last-Event-ID", RequestId.HEADER));
        cors.setExposedHeaders(List.of(
                RequestId.HEADER,
                "Location",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset"));
        cors.setMaxAge(Duration.ofHours(1));

        var source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        var filter = new CorsFilter(source);
        filter.setCorsProcessor(new ProblemCorsProcessor());

        var registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /** Spring's processor, except that a refusal goes through the error dispatch and so becomes a problem detail. */
    private static final class ProblemCorsProcessor extends DefaultCorsProcessor {
        @Override
        public boolean processRequest(
                org.springframework.web.cors.@Nullable CorsConfiguration config,
                HttpServletRequest request,
                HttpServletResponse response)
                throws IOException {
            String origin = request.getHeader(HttpHeaders.ORIGIN);
            if (origin != null) {
                ProblemErrorController.describe(
                        request,
                        ErrorCode.FORBIDDEN_ORIGIN,
                        "Origin %s may not call this API; see CORS_ALLOWED_ORIGINS.".formatted(origin));
            }
            return super.processRequest(config, request, response);
        }

        @Override
        protected void rejectRequest(ServerHttpResponse response) throws IOException {
            ((ServletServerHttpResponse) response).getServletResponse().sendError(HttpStatus.FORBIDDEN.value());
        }
    }
}
