/**
 * Traces over OTLP: off unless an endpoint is configured, and then a span per request (Spring MVC's), per execution and
 * per provider attempt, with the incoming trace context honoured and the trace id in the logs and the execution record.
 */
@NullMarked
package dev.promptline.api.platform.tracing;

import org.jspecify.annotations.NullMarked;
