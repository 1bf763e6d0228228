package dev.promptline.api.evaluations;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.promptline.api.platform.tenancy.OrganizationId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code embedding_similarity}: how close in meaning the output is to the expected output, as the cosine similarity of
 * their sentence embeddings, a number in [0, 1] (a negative cosine, texts pointing away from each other, counts as 0).
 * Optional {@code threshold} in [0, 1]: the score passes at or above it.
 *
 * <p>The model is not part of the api: the {@code promptline-evaluators-embedding} module contributes it as a
 * LangChain4j {@link EmbeddingModel} bean (docs/architecture.md). A build without that module still knows the type,
 * and refuses to configure it (400), saying why.
 */
@Component
final class EmbeddingSimilarityKind implements EvaluatorKind {
    static final String TYPE = "embedding_similarity";
    private static final Set<String> FIELDS = Set.of("threshold");

    private final ObjectProvider<EmbeddingModel> models;

    EmbeddingSimilarityKind(ObjectProvider<EmbeddingModel> models) {
        this.models = models;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Scorer configure(OrganizationId organizationId, JsonNode config) {
        EmbeddingModel model = models.getIfAvailable();
        if (model == null) {
            throw new InvalidEvaluatorConfigException(
                    "type",
                    "embedding_similarity needs the offline embedding model, and this build of Promptline does not"
                            + " include it (the promptline-evaluators-embedding module).");
        }
        if (!config.isObject()) {
            throw new InvalidEvaluatorConfigException("config", "must be an object");
        }
        for (String field : config.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new InvalidEvaluatorConfigException(
                        "config." + field, "is not a setting of embedding_similarity (it has: threshold)");
            }
        }
        Double threshold = null;
        JsonNode node = config.get("threshold");
        if (node != null && !node.isNull()) {
            if (!node.isNumber()
                    || !Double.isFinite(node.doubleValue())
                    || node.doubleValue() < 0
                    || node.doubleValue() > 1) {
                throw new InvalidEvaluatorConfigException("config.threshold", "must be a number from 0 to 1");
            }
            threshold = node.doubleValue();
        }
        return new Similarity(model, threshold);
    }

    /** The cosine of two vectors, clamped into [0, 1]; 0 for a zero vector, which points nowhere. */
    static double similarity(float[] first, float[] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException(
                    "embeddings of different sizes: " + first.length + " and " + second.length);
        }
        double dot = 0;
        double firstNorm = 0;
        double secondNorm = 0;
        for (int i = 0; i < first.length; i++) {
            dot += (double) first[i] * second[i];
            firstNorm += (double) first[i] * first[i];
            secondNorm += (double) second[i] * second[i];
        }
        if (firstNorm == 0 || secondNorm == 0) {
            return 0;
        }
        return Math.clamp(dot / Math.sqrt(firstNorm * secondNorm), 0.0, 1.0);
    }

    private record Similarity(
            EmbeddingModel model, @Nullable Double threshold) implements Scorer {
        @Override
        public Verdict score(Subject subject) {
            String output = subject.output();
            String expected = subject.expectedOutput();
            if (expected == null) {
                return new Verdict.Failed("There is no expected output to compare with: embedding_similarity scores"
                        + " executions of dataset items that have an expectedOutput.");
            }
            if (output == null) {
                return new Verdict.Failed("The execution has no output to compare with the expected output.");
            }
            // The model refuses blank text; an empty answer shares no meaning with a real one, and two empty
            // texts are the same.
            if (output.isBlank() || expected.isBlank()) {
                double value = output.isBlank() && expected.isBlank() ? 1 : 0;
                return scored(value, output.isBlank() ? "The output is empty." : "The expected output is empty.");
            }
            List<Embedding> embeddings;
            try {
                embeddings = model.embedAll(List.of(TextSegment.from(output), TextSegment.from(expected)))
                        .content();
            } catch (RuntimeException e) {
                return new Verdict.Failed("The embedding model failed: " + e.getMessage());
            }
            double value =
                    similarity(embeddings.get(0).vector(), embeddings.get(1).vector());
            return scored(
                    value,
                    String.format(
                            Locale.ROOT,
                            "Cosine similarity of the output and the expected output by %s: %.4f.",
                            model.modelName(),
                            value));
        }

        private Verdict scored(double value, String reasoning) {
            return new Verdict.Scored(
                    new ScoreValue.Numeric(value, 0, 1), threshold == null ? null : value >= threshold, reasoning);
        }
    }
}
