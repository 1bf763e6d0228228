package dev.promptline.api.console;

import dev.promptline.api.organizations.UserService;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import dev.promptline.api.platform.tenancy.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Component;

/** Builds each page's {@link Shell} from the request: its CSRF token and the signed-in caller. */
@Component
class Shells {
    private final UserService users;

    Shells(UserService users) {
        this.users = users;
    }

    Shell of(HttpServletRequest request) {
        var csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        // Reading the token is what makes Spring Security issue its cookie: before the page is written.
        String token = csrf == null ? "" : csrf.getToken();
        Caller caller = caller();
        String email = null;
        if (caller != null) {
            try {
                email = users.get(caller, caller.userId()).email();
            } catch (PromptlineException e) {
                email = "(removed user)";
            }
        }
        return new Shell(
                ConsoleCsrfTokens.HEADER,
                ConsoleCsrfTokens.PARAMETER,
                token,
                email,
                caller == null ? null : caller.role().value(),
                caller != null && caller.role().isAtLeast(Role.MEMBER),
                caller != null && caller.role().isAtLeast(Role.ADMIN));
    }

    static @Nullable Caller caller() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller caller ? caller : null;
    }
}
