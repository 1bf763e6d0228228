package dev.promptline.api.evaluations.online;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The queue online evaluations wait in, closed with the application. */
@Configuration(proxyBeanMethods = false)
class OnlineEvaluationConfiguration {
    @Bean(destroyMethod = "close")
    ScoringQueue onlineScoringQueue(
            @Value("${promptline.evaluations.online.queue-capacity:1000}") int capacity,
            @Value("${promptline.evaluations.online.workers:4}") int workers,
            MeterRegistry meters) {
        return new ScoringQueue(capacity, workers, meters);
    }
}
