/**
 * Fake LLM providers for tests: real HTTP/1.1 servers on 127.0.0.1 that speak the OpenAI Chat Completions and
 * Anthropic Messages streaming protocols byte for byte, so that LangChain4j's streaming models talk to them as to the
 * real services. Each test scripts the replies ({@link dev.promptline.runtime.testing.Reply}: token streams with
 * delays, dropped connections, malformed events, error statuses, hang-ups), then inspects what the client sent and
 * when it closed its connection ({@link dev.promptline.runtime.testing.FakeProvider}).
 */
@NullMarked
package dev.promptline.runtime.testing;

import org.jspecify.annotations.NullMarked;
