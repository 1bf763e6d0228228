package dev.promptline.api.console;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Writes the console's error page where no controller runs (the security chain's refusals). */
@Component
class ConsoleErrorPages {
    static final String TEMPLATE = "console/error.jte";

    private final TemplateEngine templates;

    ConsoleErrorPages(TemplateEngine templates) {
        this.templates = templates;
    }

    void write(HttpServletResponse response, @Nullable Shell shell, ErrorView error) throws IOException {
        var output = new StringOutput();
        Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
        parameters.put("shell", shell);
        parameters.put("error", error);
        templates.render(TEMPLATE, parameters, output);
        response.setStatus(error.status());
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(output.toString());
    }
}
