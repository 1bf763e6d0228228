package dev.promptline.api.platform.web;

import org.eclipse.jetty.ee11.webapp.AbstractConfiguration;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Spring Boot's properties do not set on Jetty: the problem-detail error handler, the error answers' headers left
 * to Spring Security, and the listen backlog.
 */
@Configuration(proxyBeanMethods = false)
class JettyServer {
    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> jettyErrorsAndBacklog(
            Problems problems, JsonMapper json, WebProperties properties) {
        return factory -> {
            factory.addServerCustomizers(server -> {
                server.setErrorHandler(new ProblemErrorHandler(problems, json));
                for (var connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector serverConnector) {
                        serverConnector.setAcceptQueueSize(properties.acceptQueueSize());
                    }
                }
            });
            factory.addConfigurations(new SecurityHeadersOnErrors());
        };
    }

    /**
     * The Cache-Control of every error answer: Spring Security's, which every other answer has. Jetty drops the
     * caching headers of a response that turns into an error and puts its own value instead.
     */
    static final String ERROR_CACHE_CONTROL = "no-cache, no-store, max-age=0, must-revalidate";

    /**
     * Gives the application context's error handler {@link #ERROR_CACHE_CONTROL}. Boot installs that handler while the
     * context configures, so it is reached after configuration.
     */
    private static final class SecurityHeadersOnErrors extends AbstractConfiguration {
        SecurityHeadersOnErrors() {
            super(new Builder());
        }

        @Override
        public void postConfigure(WebAppContext context) {
            if (context.getErrorHandler() instanceof ErrorHandler errors) {
                errors.setCacheControl(ERROR_CACHE_CONTROL);
            }
        }
    }
}
