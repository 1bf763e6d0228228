/**
 * Executions: running a prompt through the agent runtime. So far the connection to the runtime: a gRPC channel,
 * in-process (the runtime's auto-configuration, when RUNTIME_ADDRESS is empty) or to a remote runtime such as the
 * sidecar, and the readiness check that takes a replica out of service while its runtime does not answer. The api
 * reaches the runtime only through the gRPC contract (runtime-api); it never imports the runtime's classes.
 */
@NullMarked
package dev.promptline.api.executions;

import org.jspecify.annotations.NullMarked;
