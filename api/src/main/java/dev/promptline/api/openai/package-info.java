/**
 * The OpenAI-compatible API: {@code POST /v1/chat/completions} and {@code POST /v1/responses} (plain and streamed) and
 * {@code GET /v1/models}, another way into the execution core for the SDKs and tools that speak OpenAI's wire format.
 * {@code model} names a saved prompt ({@code prompt:<name>}, {@code @label}, {@code #version}) or a registered model,
 * and the Responses API's {@code prompt: {id, version, variables}} a saved prompt; every call is an ordinary recorded
 * execution. Errors on {@code /v1/**} take OpenAI's shape ({@code {"error": {...}}}) instead of problem
 * details, including those of the security chain. See docs/openai-compatibility.md.
 */
@NullMarked
package dev.promptline.api.openai;

import org.jspecify.annotations.NullMarked;
