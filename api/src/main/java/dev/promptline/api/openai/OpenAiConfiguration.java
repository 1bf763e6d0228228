package dev.promptline.api.openai;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The OpenAI-compatible routes' own error dispatch, ahead of the security chain and the problem-detail controller. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class OpenAiConfiguration {
    @Bean
    FilterRegistrationBean<OpenAiErrorDispatchFilter> openAiErrorDispatchFilter(OpenAiJson json) {
        var registration = new FilterRegistrationBean<>(new OpenAiErrorDispatchFilter(json));
        registration.setDispatcherTypes(DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
