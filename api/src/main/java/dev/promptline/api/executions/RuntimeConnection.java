package dev.promptline.api.executions;

import io.grpc.ManagedChannel;

/**
 * The channel to the agent runtime and where it leads.
 *
 * @param address the remote runtime's gRPC target; empty when the runtime runs in this process
 */
record RuntimeConnection(ManagedChannel channel, String address) {
    boolean isRemote() {
        return !address.isEmpty();
    }

    String mode() {
        return isRemote() ? "remote" : "in-process";
    }
}
