package dev.promptline.runtime.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One attempt at a provider through LangChain4j's streaming chat models: OpenAI, Anthropic, Hugging Face's
 * OpenAI-compatible router, and any OpenAI-compatible server. Tokens go to the caller as they arrive; the attempt's
 * cancellation aborts the HTTP exchange through {@link ProviderHttpClient}.
 *
 * <p>Models are built once per provider, base URL and credential and kept: building one scans the class path for
 * LangChain4j's service providers, which cost more than the rest of an execution (bench/runtime-load). The model
 * name and sampling travel in each request instead.
 */
public final class LangChainChatModelClient implements ChatModelClient {
    static final String OPENAI_URL = "https://api.openai.com/v1";
    static final String ANTHROPIC_URL = "https://api.anthropic.com/v1";
    static final String HUGGINGFACE_URL = "https://router.huggingface.co/v1";

    /** Distinct endpoints and credentials in use at once; unused ones are dropped, with their secret. */
    private static final int MAX_MODELS = 1_000;

    private static final Duration MODEL_IDLE_LIFETIME = Duration.ofMinutes(30);

    private final ProviderHttpClient httpClient;
    private final Cache<Endpoint, StreamingChatModel> models = Caffeine.newBuilder()
            .maximumSize(MAX_MODELS)
            .expireAfterAccess(MODEL_IDLE_LIFETIME)
            .build();

    public LangChainChatModelClient(java.net.http.HttpClient http, AddressGuard guard) {
        this.httpClient = new ProviderHttpClient(http, guard);
    }

    @Override
    public ModelResult stream(ModelCall call, Consumer<String> tokens, Cancellation cancellation) {
        String secret = call.credential();
        var result = new CompletableFuture<ModelResult>();
        // LangChain4j's Anthropic model settles only on message_stop: a stream cut cleanly before it would leave
        // the answer pending until the deadline.
        var attempt = new ProviderHttpClient.Attempt(cancellation, secret, () -> {
            if (!result.isDone()) {
                result.completeExceptionally(new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE,
                        "The provider's stream ended before its final event",
                        true));
            }
        });
        try (var registration = cancellation.onCancel(() -> result.completeExceptionally(cancellation.toException()))) {
            StreamingChatModel model = models.get(Endpoint.of(call), this::model);
            ChatRequest request = request(call);
            ProviderHttpClient.within(attempt, () -> model.chat(request, new Handler(tokens, cancellation, result)));
            return result.get();
        } catch (ExecutionException e) {
            throw ProviderErrors.classify(e.getCause(), secret);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException(ModelCallException.Kind.CANCELLED, "The runtime is stopping", false, e);
        } catch (RuntimeException e) {
            throw ProviderErrors.classify(e, secret);
        } finally {
            attempt.abort();
        }
    }

    /** What a built model is bound to; everything else about a call goes in its request. */
    private record Endpoint(
            ModelCall.Provider provider,
            String baseUrl,
            @Nullable String credential) {
        static Endpoint of(ModelCall call) {
            String credential =
                    call.provider() == ModelCall.Provider.CUSTOM ? call.credential() : requireCredential(call);
            return new Endpoint(
                    call.provider(), LangChainChatModelClient.baseUrl(call, defaultUrl(call.provider())), credential);
        }

        @Override
        public String toString() {
            return "Endpoint[provider=%s, baseUrl=%s, credential=%s]"
                    .formatted(provider, baseUrl, credential == null ? "(none)" : "(hidden)");
        }
    }

    private StreamingChatModel model(Endpoint endpoint) {
        return switch (endpoint.provider()) {
            case ANTHROPIC ->
                AnthropicStreamingChatModel.builder()
                        .httpClientBuilder(httpClient.asBuilder())
                        .baseUrl(endpoint.baseUrl())
                        .apiKey(endpoint.credential())
                        .build();
            // Self-hosted OpenAI-compatible servers (custom) often need no key.
            case OPENAI, HUGGINGFACE, CUSTOM ->
                OpenAiStreamingChatModel.builder()
                        .httpClientBuilder(httpClient.asBuilder())
                        .baseUrl(endpoint.baseUrl())
                        .apiKey(endpoint.credential())
                        .build();
            case ECHO -> throw new IllegalArgumentException("echo is served by EchoChatModelClient");
        };
    }

    private static @Nullable String defaultUrl(ModelCall.Provider provider) {
        return switch (provider) {
            case OPENAI -> OPENAI_URL;
            case HUGGINGFACE -> HUGGINGFACE_URL;
            case ANTHROPIC -> ANTHROPIC_URL;
            case CUSTOM, ECHO -> null;
        };
    }

    private static String baseUrl(ModelCall call, @Nullable String fallback) {
        String url = call.baseUrl() != null ? call.baseUrl() : fallback;
        if (url == null) {
            throw new ModelCallException(
                    ModelCallException.Kind.INVALID_REQUEST, "A custom provider needs a base URL", false);
        }
        return url;
    }

    private static String requireCredential(ModelCall call) {
        String credential = call.credential();
        if (credential == null || credential.isBlank()) {
            throw new ModelCallException(
                    ModelCallException.Kind.AUTH_FAILED,
                    "No credential for %s: register one on the model, or set the environment variable it names"
                            .formatted(call.provider().name().toLowerCase(java.util.Locale.ROOT)),
                    false);
        }
        return credential;
    }

    private static ChatRequest request(ModelCall call) {
        List<dev.langchain4j.data.message.ChatMessage> messages = call.messages().stream()
                .map(message -> switch (message.role()) {
                    case "system" -> (dev.langchain4j.data.message.ChatMessage) SystemMessage.from(message.content());
                    case "assistant" -> AiMessage.from(message.content());
                    default -> UserMessage.from(message.content());
                })
                .toList();
        var sampling = call.sampling();
        return ChatRequest.builder()
                .messages(messages)
                .modelName(call.modelName())
                .temperature(sampling.temperature())
                .topP(sampling.topP())
                .maxOutputTokens(sampling.maxTokens())
                .stopSequences(sampling.stopSequences().isEmpty() ? null : sampling.stopSequences())
                .build();
    }

    private static String finishReason(@Nullable FinishReason reason) {
        if (reason == null) {
            return "other";
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CONTENT_FILTER -> "content_filter";
            default -> "other";
        };
    }

    /** Forwards tokens while the attempt runs; the first error or the completion settles the result. */
    private static final class Handler implements StreamingChatResponseHandler {
        private final Consumer<String> tokens;
        private final Cancellation cancellation;
        private final CompletableFuture<ModelResult> result;

        Handler(Consumer<String> tokens, Cancellation cancellation, CompletableFuture<ModelResult> result) {
            this.tokens = tokens;
            this.cancellation = cancellation;
            this.result = result;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (result.isDone() || cancellation.isCancelled()) {
                context.streamingHandle().cancel();
                return;
            }
            tokens.accept(partial.text());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            FinishReason reason = response.finishReason();
            if (reason == null) {
                // The stream closed without the provider's final event: it broke, whatever the socket said.
                result.completeExceptionally(new ModelCallException(
                        ModelCallException.Kind.PROVIDER_UNAVAILABLE,
                        "The provider's stream ended before its final event",
                        true));
                return;
            }
            TokenUsage usage = response.tokenUsage();
            result.complete(new ModelResult(
                    response.aiMessage().text() == null
                            ? ""
                            : response.aiMessage().text(),
                    finishReason(reason),
                    usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                    usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                    1));
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }
    }
}
