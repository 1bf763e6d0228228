package dev.promptline.evaluators.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bundled model: meaning, not spelling, decides how close two texts are; it loads once, when first used. */
class OfflineEmbeddingModelTest {
    private static final OfflineEmbeddingModel MODEL = new OfflineEmbeddingModel();

    private static double similarity(String a, String b) {
        Embedding first = MODEL.embed(a).content();
        Embedding second = MODEL.embed(b).content();
        return CosineSimilarity.between(first, second);
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedSentence() {
        String reference = "The customer was charged twice and wants a refund.";

        double paraphrase = similarity(reference, "I was billed two times and would like my money back.");
        double unrelated = similarity(reference, "The weather in Lisbon is sunny today.");

        assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
        assertThat(unrelated).isLessThan(0.3);
    }

    @Test
    void identicalTextsAreOne() {
        assertThat(similarity("Reset your password from the login page.", "Reset your password from the login page."))
                .isCloseTo(1.0, within(1e-5));
    }

    @Test
    void vectorsHaveTheAdvertisedDimensionAndUnitLength() {
        float[] vector = MODEL.embed("billing").content().vector();

        assertThat(vector).hasSize(MODEL.dimension());
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void nothingIsLoadedUntilTheFirstTextAndThenOnceWhoeverAsksFirst() throws Exception {
        var loads = new AtomicInteger();
        var model = new OfflineEmbeddingModel(() -> {
            loads.incrementAndGet();
            return new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        });
        assertThat(model.isLoaded()).isFalse();
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(loads).hasValue(0);

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Embedding>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String text = "text " + i;
                calls.add(() -> model.embed(text).content());
            }
            for (Future<Embedding> embedded : threads.invokeAll(calls)) {
                assertThat(embedded.get().dimension()).isEqualTo(384);
            }
        }

        assertThat(model.isLoaded()).isTrue();
        assertThat(loads).hasValue(1);
    }

    @Test
    void recentTextsAreNotEmbeddedAgain() {
        var embedded = new ArrayList<String>();
        EmbeddingModel library = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        var model = new OfflineEmbeddingModel(() -> new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                segments.forEach(segment -> embedded.add(segment.text()));
                return library.embedAll(segments);
            }
        });
        String expected = "The refund was issued.";

        List<Embedding> first = model.embedAll(
                        List.of(TextSegment.from("We refunded you."), TextSegment.from(expected)))
                .content();
        List<Embedding> second = model.embedAll(
                        List.of(TextSegment.from("Money is on its way back."), TextSegment.from(expected)))
                .content();
        List<Embedding> same = model.embedAll(List.of(TextSegment.from("twice"), TextSegment.from("twice")))
                .content();

        assertThat(embedded).containsExactly("We refunded you.", expected, "Money is on its way back.", "twice");
        assertThat(second.get(1).vector()).isEqualTo(first.get(1).vector());
        assertThat(same.get(0).vector()).isEqualTo(same.get(1).vector());
        assertThat(model.embed("twice").content().vector())
                .isEqualTo(same.get(0).vector());
        assertThat(embedded).hasSize(4);
    }

    @Test
    void theAutoConfigurationContributesTheModelUnlessTheApplicationHasOne() {
        var runner = new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                .withConfiguration(org.springframework.boot.autoconfigure.AutoConfigurations.of(
                        EmbeddingEvaluatorAutoConfiguration.class));

        runner.run(context -> {
            assertThat(context).hasSingleBean(EmbeddingModel.class);
            assertThat(context.getBean(OfflineEmbeddingModel.class).isLoaded())
                    .as("starting the application loads nothing")
                    .isFalse();
        });
        EmbeddingModel own = new OfflineEmbeddingModel(() -> {
            throw new AssertionError("not used");
        });
        runner.withBean("own", EmbeddingModel.class, () -> own)
                .run(context ->
                        assertThat(context.getBean(EmbeddingModel.class)).isSameAs(own));
    }
}
