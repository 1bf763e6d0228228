/**
 * The runtime's gRPC server, the same for both ways it runs: {@link dev.promptline.runtime.server.RuntimeServer}
 * serves the runtime and the standard health service on Netty (the sidecar, {@link
 * dev.promptline.runtime.server.RuntimeMain}) or on the in-process transport (inside the api), with calls on virtual
 * threads and a graceful stop that drains running executions.
 */
@NullMarked
package dev.promptline.runtime.server;

import org.jspecify.annotations.NullMarked;
