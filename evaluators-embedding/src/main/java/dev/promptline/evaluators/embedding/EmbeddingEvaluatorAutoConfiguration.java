package dev.promptline.evaluators.embedding;

import dev.langchain4j.model.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Contributes the offline {@link EmbeddingModel} to an application that has this module on its class path: the api's
 * {@code embedding_similarity} evaluator looks it up and is refused (400) without it. Backs off when the application
 * defines an embedding model of its own.
 */
@AutoConfiguration
@ConditionalOnMissingBean(EmbeddingModel.class)
public final class EmbeddingEvaluatorAutoConfiguration {
    @Bean
    OfflineEmbeddingModel promptlineEmbeddingModel() {
        return new OfflineEmbeddingModel();
    }
}
