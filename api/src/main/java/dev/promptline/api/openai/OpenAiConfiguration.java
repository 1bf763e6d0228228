package dev.promptline.api.openai;

import dev.promptline.api.platform.web.ErrorDispatchFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAI-compatible routes' own error dispatch, ahead of the security chain and the problem-detail controller. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class OpenAiConfiguration {
    @Bean
    FilterRegistrationBean<ErrorDispatchFilter> openAiErrorDispatchFilter(OpenAiJson json) {
        return new OpenAiErrorDispatchFilter(json).registration();
    }
}
