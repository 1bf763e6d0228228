package dev.promptline.runtime;

import dev.promptline.runtime.grpc.AgentRuntimeGrpcService;
import dev.promptline.runtime.llm.ChatModelClient;
import dev.promptline.runtime.llm.EchoChatModelClient;
import dev.promptline.runtime.llm.ModelCall;
import io.grpc.BindableService;
import java.util.Map;

/** Builds the runtime's gRPC service from its settings; both the sidecar and the in-process mode start here. */
public final class AgentRuntime {
    private AgentRuntime() {}

    /** The contract's implementation, with a model client for every provider. */
    public static BindableService grpcService(RuntimeSettings settings) {
        Map<ModelCall.Provider, ChatModelClient> clients = Map.of(ModelCall.Provider.ECHO, new EchoChatModelClient());
        return new AgentRuntimeGrpcService(clients);
    }
}
