package dev.promptline.api.console;

import dev.promptline.api.platform.web.ErrorDispatchFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The console's static files, all from the jar: its own stylesheet, and htmx and its SSE extension from their WebJars
 * under version-free paths ({@code /console/assets/vendor/htmx.org/dist/htmx.min.js}), so a version bump in the POM
 * needs no template change; and its error page for the refusals that happen before any controller.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {
    @Bean
    FilterRegistrationBean<ErrorDispatchFilter> consoleErrorDispatchFilter(ConsoleErrorPages pages) {
        return new ConsoleErrorDispatchFilter(pages).registration();
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/assets/vendor/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .resourceChain(true)
                .addResolver(new LiteWebJarsResourceResolver());
        registry.addResourceHandler("/console/assets/*.css", "/console/assets/*.js")
                .addResourceLocations("classpath:/console/assets/");
    }
}
