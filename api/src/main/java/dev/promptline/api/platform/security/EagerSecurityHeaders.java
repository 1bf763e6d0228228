package dev.promptline.api.platform.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.stereotype.Component;

/**
 * Every security filter chain writes its security headers before the request is handled, not when the response is
 * committed. Spring Security finds the commit by counting what is written against the Content-Length, which misses a
 * commit made by the server itself: Jetty commits when its 32 KiB buffer fills, so a larger static asset (the
 * console's htmx) went out without its Content-Security-Policy. The headers are fixed values, so writing them first
 * changes nothing else; a handler that sets its own Cache-Control still replaces the default.
 */
@Component
class EagerSecurityHeaders implements BeanPostProcessor {
    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DefaultSecurityFilterChain chain) {
            for (var filter : chain.getFilters()) {
                if (filter instanceof HeaderWriterFilter headers) {
                    headers.setShouldWriteHeadersEagerly(true);
                }
            }
        }
        return bean;
    }
}
