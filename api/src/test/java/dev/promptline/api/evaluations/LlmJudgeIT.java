package dev.promptline.api.evaluations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptline.api.platform.tenancy.OrganizationId;
import dev.promptline.api.testing.AuthenticatedApi;
import dev.promptline.api.testing.Http;
import dev.promptline.api.testing.Registry;
import dev.promptline.runtime.testing.FakeProvider;
import dev.promptline.runtime.testing.RecordedRequest;
import dev.promptline.runtime.testing.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The LLM judge end to end: a rubric prompt in the registry, run through the execution core on a model that points at
 * a fake OpenAI, whose answers decide the verdict. Only the provider is fake.
 */
@TestPropertySource(properties = "promptline.models.credentials-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
class LlmJudgeIT extends AuthenticatedApi {
    private static final FakeProvider OPENAI = FakeProvider.openAi();
    private static final String RUBRIC = "Grade the answer to the ticket {{ticket}}. Answer: {{output}}. Reference:"
            + " {{expectedOutput}}. Reply with a JSON object with score (1 to 5) and reasoning.";
    private static final Subject SUBJECT =
            new Subject(Map.of("ticket", "charged twice"), "billing", "It is a billing problem", null, null);

    @DynamicPropertySource
    static void providersOnLoopback(DynamicPropertyRegistry registry) {
        registry.add("promptline.models.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.allowed-hosts", () -> "127.0.0.1");
        registry.add("promptline.runtime.retry-initial-backoff", () -> "1ms");
    }

    @AfterAll
    static void stopProvider() {
        OPENAI.close();
    }

    @Autowired
    List<EvaluatorKind> kinds;

    @Autowired
    JsonMapper json;

    Registry registry;
    OrganizationId organization;
    String model;
    String rubric;

    @BeforeEach
    void aRubricOnAModelAtTheFakeProvider() {
        registry = new Registry(http, acme.owner().bearer());
        organization = new OrganizationId(acme.organizationId);
        model = registry.customModel(OPENAI.baseUrl());
        rubric = registry.prompt(model, RUBRIC);
        OPENAI.reset(Reply.stream("{\"score\": 4, \"reasoning\": \"Right category, terse.\"}"));
    }

    EvaluatorKind judge() {
        return kinds.stream()
                .filter(kind -> kind.type().equals("llm_judge"))
                .findFirst()
                .orElseThrow();
    }

    JsonNode config(String json) {
        return this.json.readTree(json);
    }

    Scorer numericJudge() {
        return judge().configure(
                        organization,
                        config("{\"promptId\": \"" + rubric + "\", \"version\": 1, \"min\": 1, \"max\": 5,"
                                + " \"threshold\": 4}"));
    }

    @Test
    void aGoodAnswerIsAScoreWithItsReasoningAndTheJudgesExecutionIsRecorded() {
        int before = OPENAI.requestCount();

        Verdict verdict = numericJudge().score(SUBJECT);

        assertThat(verdict)
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(4, 1, 5), true, "Right category, terse."));
        // The rubric saw the subject's variables, its output and the expected output.
        RecordedRequest sent = OPENAI.requests().get(before);
        assertThat(sent.body())
                .contains("Grade the answer to the ticket charged twice. Answer: It is a billing problem."
                        + " Reference: billing.");
        // The judge's run is an ordinary execution of the rubric, recorded as succeeded, with no user.
        JsonNode executions = Http.json(http.get(
                        "/api/v1/executions?promptId=" + rubric, acme.owner().bearer()))
                .get("items");
        assertThat(executions).hasSize(1);
        assertThat(executions.get(0).get("status").asString()).isEqualTo("succeeded");
        assertThat(executions.get(0).get("input").get("variables").get("output").asString())
                .isEqualTo("It is a billing problem");
    }

    @Test
    void aScoreBelowTheThresholdFailsAndAFencedAnswerIsRead() {
        OPENAI.enqueue(Reply.stream("```json\n{\"score\": 2, \"reasoning\": \"Wrong category.\"}\n```"));

        assertThat(numericJudge().score(SUBJECT))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(2, 1, 5), false, "Wrong category."));
    }

    @Test
    void garbageIsAnEvaluatorErrorNotAScore() {
        OPENAI.enqueue(Reply.stream("I would give it", " four out of five."));

        Verdict verdict = numericJudge().score(SUBJECT);

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason())
                .contains("is not JSON")
                .contains("I would give it four out of five.")
                .contains("the judge's execution");
    }

    @Test
    void aScoreOutsideTheScaleIsAnEvaluatorError() {
        OPENAI.enqueue(Reply.stream("{\"score\": 9, \"reasoning\": \"Excellent.\"}"));

        Verdict verdict = numericJudge().score(SUBJECT);

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason()).contains("gives the score 9, outside the scale [1, 5]");
    }

    @Test
    void aRateLimitedProviderIsRetriedByTheRuntime() {
        OPENAI.enqueue(Reply.status(429), Reply.stream("{\"score\": 5, \"reasoning\": \"Exact.\"}"));
        int before = OPENAI.requestCount();

        assertThat(numericJudge().score(SUBJECT))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Numeric(5, 1, 5), true, "Exact."));
        assertThat(OPENAI.requestCount() - before).isEqualTo(2);
    }

    @Test
    void aFailingProviderIsAnEvaluatorErrorNamingTheJudgesExecution() {
        OPENAI.enqueue(Reply.serverError(), Reply.serverError(), Reply.serverError());

        Verdict verdict = numericJudge().score(SUBJECT);

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason())
                .startsWith("The judge's execution ")
                .contains("ended as failed");
    }

    @Test
    void aJudgeSlowerThanItsTimeoutIsAnEvaluatorError() {
        OPENAI.enqueue(Reply.stream("{\"score\": 5, \"reasoning\": \"late\"}").firstTokenAfter(Duration.ofSeconds(10)));
        Scorer scorer = judge().configure(
                        organization,
                        config("{\"promptId\": \"" + rubric + "\", \"version\": 1, \"min\": 1, \"max\": 5,"
                                + " \"timeout\": \"0.5s\"}"));

        Verdict verdict = scorer.score(SUBJECT);

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason()).contains("ended as timed_out");
    }

    @Test
    void categoriesIgnoreCaseAndPassByTheirList() {
        Scorer scorer = judge().configure(
                        organization,
                        config(
                                "{\"promptId\": \"" + rubric + "\", \"version\": 1,"
                                        + " \"categories\": [\"correct\", \"partial\", \"wrong\"], \"passing\": [\"correct\"]}"));
        OPENAI.enqueue(
                Reply.stream("{\"score\": \"Correct\", \"reasoning\": \"Matches.\"}"),
                Reply.stream("{\"score\": \"partial\", \"reasoning\": \"Half.\"}"),
                Reply.stream("{\"score\": \"great\", \"reasoning\": \"?\"}"));

        assertThat(scorer.score(SUBJECT))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Category("correct"), true, "Matches."));
        assertThat(scorer.score(SUBJECT))
                .isEqualTo(new Verdict.Scored(new ScoreValue.Category("partial"), false, "Half."));
        assertThat(scorer.score(SUBJECT))
                .isInstanceOfSatisfying(
                        Verdict.Failed.class,
                        failed -> assertThat(failed.reason())
                                .contains("\"great\", which is not one of [correct, partial, wrong]"));
    }

    @Test
    void aLabelIsFollowedWhereverItPointsAtScoringTime() {
        http.putJson(
                "/api/v1/prompts/" + rubric + "/labels/judge",
                "{\"version\": 1}",
                acme.owner().bearer());
        Scorer scorer = judge().configure(
                        organization,
                        config("{\"promptId\": \"" + rubric + "\", \"label\": \"judge\", \"min\": 1, \"max\": 5}"));
        var added = http.postJson(
                "/api/v1/prompts/" + rubric + "/versions",
                "{\"baseVersion\": 1, \"modelId\": \"" + model + "\", \"template\": {\"format\": \"text\", \"text\":"
                        + " \"Strict grading of {{output}} as JSON score and reasoning.\"}}",
                acme.owner().bearer());
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        http.putJson(
                "/api/v1/prompts/" + rubric + "/labels/judge",
                "{\"version\": 2}",
                acme.owner().bearer());
        int before = OPENAI.requestCount();

        assertThat(scorer.score(SUBJECT)).isInstanceOf(Verdict.Scored.class);
        assertThat(OPENAI.requests().get(before).body()).contains("Strict grading of It is a billing problem");
    }

    @Test
    void aRubricThatNeedsAnExpectedOutputCannotJudgeALiveExecution() {
        int before = OPENAI.requestCount();

        Verdict verdict = numericJudge().score(new Subject(Map.of("ticket", "x"), null, "answer", null, null));

        assertThat(verdict).isInstanceOf(Verdict.Failed.class);
        assertThat(((Verdict.Failed) verdict).reason())
                .contains("[expectedOutput]")
                .contains("no expected output");
        assertThat(OPENAI.requestCount()).as("nothing ran").isEqualTo(before);
    }

    @Test
    void theModelInTheConfigurationOverridesTheRubricsOwn() {
        String echo = registry.echoModel();
        Scorer scorer = judge().configure(
                        organization,
                        config("{\"promptId\": \"" + rubric + "\", \"version\": 1, \"modelId\": \"" + echo
                                + "\", \"min\": 1, \"max\": 5}"));
        int before = OPENAI.requestCount();

        // The echo model answers with the rubric itself: not JSON.
        assertThat(scorer.score(SUBJECT)).isInstanceOf(Verdict.Failed.class);
        assertThat(OPENAI.requestCount()).isEqualTo(before);
    }

    @Test
    void throughTheApiAJudgeIsCreatedTriedAndRefusedWithTheFieldNamed() {
        String owner = acme.owner().bearer();
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"triage judge\", \"type\": \"llm_judge\", \"config\": {\"promptId\": \"" + rubric
                        + "\", \"version\": 1, \"min\": 1, \"max\": 5, \"threshold\": 4}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = Http.json(created).get("id").asString();

        JsonNode scored = Http.json(http.postJson(
                "/api/v1/evaluators/" + id + "/score",
                "{\"output\": \"It is a billing problem\", \"expectedOutput\": \"billing\","
                        + " \"input\": {\"ticket\": \"charged twice\"}}",
                owner));
        assertThat(scored.get("kind").asString()).isEqualTo("numeric");
        assertThat(scored.get("value").asDouble()).isEqualTo(4);
        assertThat(scored.get("passed").asBoolean()).isTrue();
        assertThat(scored.get("comment").asString()).isEqualTo("Right category, terse.");

        OPENAI.enqueue(Reply.stream("not json"));
        JsonNode failed = Http.json(http.postJson(
                "/api/v1/evaluators/" + id + "/score",
                "{\"output\": \"x\", \"expectedOutput\": \"billing\", \"input\": {\"ticket\": \"y\"}}",
                owner));
        assertThat(failed.has("value")).isFalse();
        assertThat(failed.get("error").asString()).contains("is not JSON");

        var refused = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"broken judge\", \"type\": \"llm_judge\", \"config\": {\"promptId\": \""
                        + UUID.randomUUID() + "\", \"version\": 1, \"min\": 1, \"max\": 5}}",
                owner);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonNode error = Http.json(refused).get("errors").get(0);
        assertThat(error.get("pointer").asString()).isEqualTo("#/config/promptId");
        assertThat(error.get("detail").asString()).isEqualTo("is not a prompt of this organization");
    }

    @Test
    void throughTheApiEmbeddingSimilarityScoresWithTheBundledModel() {
        String owner = acme.owner().bearer();
        var created = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"close to reference\", \"type\": \"embedding_similarity\","
                        + " \"config\": {\"threshold\": 0.8}}",
                owner);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String path = "/api/v1/evaluators/" + Http.json(created).get("id").asString() + "/score";

        JsonNode close = Http.json(http.postJson(
                path,
                "{\"output\": \"You can reset the password on the sign-in page.\","
                        + " \"expectedOutput\": \"Reset your password from the login page.\"}",
                owner));
        JsonNode far = Http.json(http.postJson(
                path,
                "{\"output\": \"Bananas are rich in potassium.\","
                        + " \"expectedOutput\": \"Reset your password from the login page.\"}",
                owner));

        assertThat(close.get("value").asDouble()).isGreaterThan(0.8);
        assertThat(close.get("passed").asBoolean()).isTrue();
        assertThat(far.get("value").asDouble()).isLessThan(0.3);
        assertThat(far.get("passed").asBoolean()).isFalse();
        assertThat(Http.json(http.postJson(path, "{\"output\": \"x\"}", owner))
                        .get("error")
                        .asString())
                .contains("no expected output");
        var refused = http.postJson(
                "/api/v1/evaluators",
                "{\"name\": \"too strict\", \"type\": \"embedding_similarity\", \"config\": {\"threshold\": 2}}",
                owner);
        assertThat(Http.json(refused).get("errors").get(0).get("pointer").asString())
                .isEqualTo("#/config/threshold");
    }

    @Test
    void badConfigurationsNameTheirField() {
        var others = new Registry(http, tenants.create("other").owner().bearer());
        String other = others.prompt(others.echoModel(), "{{output}}");
        String noOutput = registry.prompt(model, "Grade {{answer}}");
        String modelless = Http.json(http.postJson(
                        "/api/v1/prompts",
                        "{\"name\": \"modelless\", \"template\": {\"format\": \"text\", \"text\": \"{{output}}\"}}",
                        acme.owner().bearer()))
                .get("id")
                .asString();
        String disabled = registry.customModel(OPENAI.baseUrl());
        http.patchJson(
                "/api/v1/models/" + disabled,
                "{\"enabled\": false}",
                acme.owner().bearer());
        String scale = ", \"min\": 1, \"max\": 5";

        assertField("{\"version\": 1" + scale + "}", "config.promptId", "is required");
        assertField("{\"promptId\": \"nope\", \"version\": 1" + scale + "}", "config.promptId", "must be a UUID");
        assertField(
                "{\"promptId\": \"" + UUID.randomUUID() + "\", \"version\": 1" + scale + "}",
                "config.promptId",
                "is not a prompt of this organization");
        assertField(
                "{\"promptId\": \"" + other + "\", \"version\": 1" + scale + "}",
                "config.promptId",
                "is not a prompt of this organization");
        assertField("{\"promptId\": \"" + rubric + "\"" + scale + "}", "config.label", "is required");
        assertField(
                "{\"promptId\": \"" + rubric + "\", \"label\": \"nope\"" + scale + "}",
                "config.label",
                "no label 'nope'");
        assertField(
                "{\"promptId\": \"" + rubric + "\", \"version\": 7" + scale + "}", "config.version", "no version 7");
        assertField(
                "{\"promptId\": \"" + rubric + "\", \"version\": 1, \"label\": \"production\"" + scale + "}",
                "config.version",
                "not both");
        assertField(
                "{\"promptId\": \"" + noOutput + "\", \"version\": 1" + scale + "}",
                "config.promptId",
                "must use {{output}}");
        assertField(
                "{\"promptId\": \"" + modelless + "\", \"version\": 1" + scale + "}",
                "config.modelId",
                "names no model");
        assertField(
                "{\"promptId\": \"" + rubric + "\", \"version\": 1, \"modelId\": \"" + UUID.randomUUID() + "\"" + scale
                        + "}",
                "config.modelId",
                "is not a model of this organization");
        assertField(
                "{\"promptId\": \"" + rubric + "\", \"version\": 1, \"modelId\": \"" + disabled + "\"" + scale + "}",
                "config.modelId",
                "is disabled");
        String pinned = "{\"promptId\": \"" + rubric + "\", \"version\": 1, ";
        assertField(pinned + "\"min\": 1}", "config.max", "is required");
        assertField(pinned + "\"min\": 5, \"max\": 1}", "config.max", "greater than min");
        assertField(pinned + "\"min\": 1, \"max\": 5, \"threshold\": 6}", "config.threshold", "within [min, max]");
        assertField(pinned + "\"min\": 1, \"max\": 5, \"categories\": [\"a\"]}", "config.categories", "not both");
        assertField(pinned + "\"categories\": []}", "config.categories", "at least one");
        assertField(pinned + "\"categories\": [\"a\", \"A\"]}", "config.categories", "twice");
        assertField(pinned + "\"categories\": [\"a\"], \"passing\": [\"b\"]}", "config.passing", "not one of");
        assertField(pinned + "\"min\": 1, \"max\": 5, \"timeout\": \"0s\"}", "config.timeout", "above 0");
        assertField(pinned + "\"min\": 1, \"max\": 5, \"temperature\": 0}", "config.temperature", "not a setting");
        assertField("[1]", "config", "must be an object");
    }

    private void assertField(String config, String field, String message) {
        assertThatThrownBy(() -> judge().configure(organization, config(config)))
                .as(config)
                .isInstanceOfSatisfying(InvalidEvaluatorConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
