/**
 * The agent runtime: turns an execution request into a LangGraph4j graph run, calls the model, and streams the
 * run's events. Stateless. {@code graph} holds the graphs, {@code llm} the model clients, {@code grpc} the adapter
 * that implements the runtime-api contract.
 */
@NullMarked
package dev.promptline.runtime;

import org.jspecify.annotations.NullMarked;
