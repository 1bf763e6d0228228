/**
 * The web console at {@code /console}: server-rendered pages (JTE templates precompiled by the build, htmx for
 * partial updates) over the same services the REST API calls. Owns {@code console_sessions}: a sign-in with an API
 * key opens a server-side session held by an HttpOnly, SameSite=Strict cookie, re-checked against the key, its user
 * and its organization on every request. Has a security filter chain of its own (sessions, CSRF, a strict Content
 * Security Policy); the API's chain is not involved in any {@code /console} request.
 */
@NullMarked
package dev.promptline.api.console;

import org.jspecify.annotations.NullMarked;
