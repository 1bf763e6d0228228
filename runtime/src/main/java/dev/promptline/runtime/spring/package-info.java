/**
 * The runtime inside a Spring Boot application (the api's embedded default): an auto-configuration that, unless
 * {@code promptline.runtime.address} names a remote runtime, serves the runtime on the in-process gRPC transport and
 * exposes a {@code ManagedChannel} bean named {@code runtimeChannel} to it. The application talks to it only through
 * that channel and the gRPC contract, exactly as it would to the sidecar.
 */
@NullMarked
package dev.promptline.runtime.spring;

import org.jspecify.annotations.NullMarked;
