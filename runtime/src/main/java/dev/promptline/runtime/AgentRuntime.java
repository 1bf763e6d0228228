package dev.promptline.runtime;

import dev.promptline.runtime.grpc.AgentRuntimeGrpcService;
import dev.promptline.runtime.llm.AddressGuard;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.EchoChatModelClient;
import dev.promptline.runtime.llm.LangChainChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import dev.promptline.runtime.llm.RetryingChatModelClient;
import io.grpc.BindableService;
import java.net.http.HttpClient;
import java.util.EnumMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Builds the runtime's gRPC service from its settings; both the sidecar and the in-process mode start here. */
public final class AgentRuntime {
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("promptline-runtime-timers").factory());

    private AgentRuntime() {}

    /** The contract's implementation, with a model client for every provider. */
    public static BindableService grpcService(RuntimeSettings settings) {
        // One JDK HTTP client for every provider call: connections are pooled per host. Its own executor delivers
        // the responses; ProviderHttpClient reads each body on a virtual thread.
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // A redirect would lead the call to an address the guard never saw.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        ChatModelClient providers = new RetryingChatModelClient(
                new LangChainChatModelClient(http, new AddressGuard(settings.allowedHosts())),
                settings.initialBackoff(),
                settings.maxBackoff(),
                TIMERS);
        var clients = new EnumMap<ModelCall.Provider, ChatModelClient>(ModelCall.Provider.class);
        for (ModelCall.Provider provider : ModelCall.Provider.values()) {
            clients.put(provider, provider == ModelCall.Provider.ECHO ? new EchoChatModelClient() : providers);
        }
        return new AgentRuntimeGrpcService(clients, settings.maxAttempts());
    }
}
