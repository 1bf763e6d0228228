package dev.promptline.api.executions;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The api's side of {@code promptline.runtime.*}; the provider settings under the same prefix are the in-process
 * runtime's to read.
 *
 * @param address gRPC target of a remote runtime, e.g. {@code localhost:9090} or {@code dns:///runtime:9090}; empty
 *     runs the runtime in this process
 */
@ConfigurationProperties("promptline.runtime")
record RuntimeClientProperties(String address) {
    static final String ADDRESS = "promptline.runtime.address";

    RuntimeClientProperties(@Nullable String address) {
        this.address = address == null ? "" : address.strip();
    }
}
