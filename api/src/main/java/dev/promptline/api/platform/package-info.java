/**
 * Cross-cutting plumbing shared by every feature: the error catalogue and RFC 9457 problem details, request ids and
 * access logs, CORS and body limits, the database connection (external or embedded) and readiness checks. It holds no
 * feature logic and must stay small. It is an open module: every feature may use all of it.
 */
@NullMarked
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package dev.promptline.api.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
