package dev.promptline.api.console;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Signing in with an API key, and out. The key is read once and never written back into any page. */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class SignInController {
    static final String PROMPTS = "/console/prompts";

    private final ConsoleSessions sessions;
    private final ConsoleProperties properties;
    private final SignInAttempts attempts;

    SignInController(ConsoleSessions sessions, ConsoleProperties properties, SignInAttempts attempts) {
        this.sessions = sessions;
        this.properties = properties;
        this.attempts = attempts;
    }

    @GetMapping("/console")
    String home() {
        return "redirect:" + PROMPTS;
    }

    @GetMapping(ConsoleSecurityConfiguration.SIGN_IN)
    String signInPage(
            @RequestParam(required = false) @Nullable String ended,
            @RequestParam(required = false) @Nullable String signedOut,
            Model model) {
        if (Shells.caller() != null) {
            return "redirect:" + PROMPTS;
        }
        String notice = ended != null
                ? "Your session has ended (it expired, or its key was revoked). Sign in again."
                : signedOut != null ? "You are signed out." : null;
        model.addAttribute("notice", notice);
        model.addAttribute("error", null);
        return "console/signIn";
    }

    @PostMapping(ConsoleSecurityConfiguration.SIGN_IN)
    String signIn(
            @RequestParam(required = false) @Nullable String apiKey,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        var wait = attempts.take(request.getRemoteAddr());
        if (wait.isPresent()) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(wait.getAsLong()));
            model.addAttribute("notice", null);
            model.addAttribute(
                    "error",
                    "Too many sign-in attempts from this address. Try again in %d seconds."
                            .formatted(wait.getAsLong()));
            return "console/signIn";
        }
        var opened = apiKey == null || apiKey.isBlank()
                ? null
                : sessions.signIn(apiKey).orElse(null);
        if (opened == null) {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            model.addAttribute("notice", null);
            model.addAttribute(
                    "error",
                    apiKey == null || apiKey.isBlank()
                            ? "Enter an API key."
                            : "That API key is invalid, expired or revoked, or its organization is disabled.");
            return "console/signIn";
        }
        response.addHeader(
                HttpHeaders.SET_COOKIE,
                ConsoleCookies.session(request, opened.token(), properties.maxAge())
                        .toString());
        // A fresh CSRF token after sign-in: one planted before it (login CSRF) is worth nothing after.
        response.addHeader(
                HttpHeaders.SET_COOKIE,
                ConsoleCookies.expired(request, ConsoleCookies.CSRF).toString());
        return "redirect:" + PROMPTS;
    }

    @PostMapping("/console/sign-out")
    String signOut(HttpServletRequest request, HttpServletResponse response) {
        String token = ConsoleCookies.read(request, ConsoleCookies.SESSION);
        if (token != null) {
            sessions.signOut(token);
        }
        response.addHeader(
                HttpHeaders.SET_COOKIE,
                ConsoleCookies.expired(request, ConsoleCookies.SESSION).toString());
        return "redirect:" + ConsoleSecurityConfiguration.SIGN_IN + "?signedOut";
    }
}
