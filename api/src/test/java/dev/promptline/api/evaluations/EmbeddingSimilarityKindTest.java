package dev.promptline.api.evaluations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.evaluators.embedding.OfflineEmbeddingModel;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code embedding_similarity} with the bundled model, and without it: the api knows the type either way, and a build
 * that leaves the module out refuses to configure it.
 */
class EmbeddingSimilarityKindTest {
    private static final OrganizationId ORGANIZATION = new OrganizationId(UUID.randomUUID());
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EmbeddingSimilarityKind KIND =
            new EmbeddingSimilarityKind(provider(new OfflineEmbeddingModel()));

    private static ObjectProvider<EmbeddingModel> provider(EmbeddingModel... models) {
        var beans = new StaticListableBeanFactory();
        for (int i = 0; i < models.length; i++) {
            beans.addBean("model" + i, models[i]);
        }
        return beans.getBeanProvider(EmbeddingModel.class);
    }

    private static JsonNode config(String json) {
        return JSON.readTree(json);
    }

    private static Subject subject(String output, String expected) {
        return new Subject(Map.of(), expected, output, null, null);
    }

    private static double score(Scorer scorer, String output, String expected) {
        Verdict verdict = scorer.score(subject(output, expected));
        assertThat(verdict).isInstanceOf(Verdict.Scored.class);
        return ((ScoreValue.Numeric) ((Verdict.Scored) verdict).value()).value();
    }

    @Test
    void withoutTheModuleTheTypeIsRefusedSayingTheBuildLacksIt() {
        var lean = new EmbeddingSimilarityKind(provider());

        assertThat(lean.type()).isEqualTo("embedding_similarity");
        assertThatThrownBy(() -> lean.configure(ORGANIZATION, config("{}")))
                .isInstanceOfSatisfying(InvalidEvaluatorConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("type");
                    assertThat(e.getMessage())
                            .contains("this build of Promptline does not include it")
                            .contains("promptline-evaluators-embedding");
                });
    }

    @Test
    void meaningScoresHigherThanUnrelatedTextAndIdenticalTextIsOne() {
        Scorer scorer = KIND.configure(ORGANIZATION, config("{}"));
        String expected = "You were charged twice; we will refund the second payment.";

        double paraphrase = score(scorer, "We'll give back the duplicate charge on your card.", expected);
        double unrelated = score(scorer, "Our office is closed on public holidays.", expected);
        double identical = score(scorer, expected, expected);

        assertThat(paraphrase).isGreaterThan(unrelated + 0.2);
        assertThat(identical).isCloseTo(1.0, within(1e-4));
        assertThat(unrelated).isBetween(0.0, 1.0);
        Verdict verdict = scorer.score(subject(expected, expected));
        assertThat(((Verdict.Scored) verdict).passed())
                .as("no threshold: neither")
                .isNull();
        assertThat(((Verdict.Scored) verdict).reasoning()).contains("all-minilm-l6-v2-q");
    }

    @Test
    void aThresholdDecidesWhatPasses() {
        Scorer scorer = KIND.configure(ORGANIZATION, config("{\"threshold\": 0.6}"));
        String expected = "Reset your password from the login page.";

        assertThat(scorer.score(subject("You can reset the password on the sign-in page.", expected)))
                .isInstanceOfSatisfying(
                        Verdict.Scored.class,
                        scored -> assertThat(scored.passed()).isTrue());
        assertThat(scorer.score(subject("Bananas are rich in potassium.", expected)))
                .isInstanceOfSatisfying(
                        Verdict.Scored.class,
                        scored -> assertThat(scored.passed()).isFalse());
    }

    @Test
    void withoutAnExpectedOutputThereIsNothingToCompare() {
        Scorer scorer = KIND.configure(ORGANIZATION, config("{}"));

        assertThat(scorer.score(new Subject(Map.of(), null, "answer", null, null)))
                .isInstanceOfSatisfying(
                        Verdict.Failed.class,
                        failed -> assertThat(failed.reason()).contains("no expected output"));
        assertThat(scorer.score(new Subject(Map.of(), "expected", null, null, null)))
                .isInstanceOf(Verdict.Failed.class);
    }

    @Test
    void emptyTextsAreScoredWithoutTheModel() {
        Scorer scorer = KIND.configure(ORGANIZATION, config("{\"threshold\": 0.5}"));

        assertThat(scorer.score(subject("", "billing")))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(0, 0, 1), false, "The output is empty."));
        assertThat(score(scorer, " ", "")).isEqualTo(1.0);
    }

    @Test
    void aModelThatFailsIsAnEvaluatorError() {
        EmbeddingModel broken = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                throw new IllegalStateException("out of native memory");
            }
        };
        Scorer scorer = new EmbeddingSimilarityKind(provider(broken)).configure(ORGANIZATION, config("{}"));

        assertThat(scorer.score(subject("a", "b")))
                .isEqualTo(new Verdict.Failed("The embedding model failed: out of native memory"));
    }

    @Test
    void badConfigurationsNameTheirField() {
        assertField("{\"threshold\": 1.5}", "config.threshold", "from 0 to 1");
        assertField("{\"threshold\": \"high\"}", "config.threshold", "from 0 to 1");
        assertField("{\"model\": \"other\"}", "config.model", "not a setting");
        assertField("[]", "config", "must be an object");
    }

    @Test
    void cosineIsClampedIntoTheUnitRange() {
        assertThat(EmbeddingSimilarityKind.similarity(new float[] {1, 0}, new float[] {-1, 0}))
                .isZero();
        assertThat(EmbeddingSimilarityKind.similarity(new float[] {1, 1}, new float[] {2, 2}))
                .isCloseTo(1.0, within(1e-12));
        assertThat(EmbeddingSimilarityKind.similarity(new float[] {0, 0}, new float[] {1, 0}))
                .isZero();
        assertThat(EmbeddingSimilarityKind.similarity(new float[] {1, 0}, new float[] {1, 1}))
                .isCloseTo(Math.sqrt(0.5), within(1e-9));
    }

    private static void assertField(String config, String field, String message) {
        assertThatThrownBy(() -> KIND.configure(ORGANIZATION, config(config)))
                .as(config)
                .isInstanceOfSatisfying(InvalidEvaluatorConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
