package dev.promptline.api.console;

import dev.promptline.api.console.ModelViews.ModelForm;
import dev.promptline.api.models.Credential;
import dev.promptline.api.models.Model;
import dev.promptline.api.models.ModelParameters;
import dev.promptline.api.models.ModelService;
import dev.promptline.api.models.ModelTimeouts;
import dev.promptline.api.models.Provider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/**
 * The model form's fields, read into the changes {@link ModelService} takes, with each mistake in words: the same
 * limits as the REST API's request checks. The form always sends every field, so parameters and timeouts are
 * replaced as a whole (blank is unset); a blank base URL, price or credential keeps what is stored, as an absent
 * field of a PATCH does.
 */
final class ModelForms {
    private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("[A-Z_][A-Z0-9_]{0,254}");
    private static final Pattern SECONDS = Pattern.compile("\\d{1,6}(\\.\\d{1,3})?");
    private static final BigDecimal MAX_PRICE = new BigDecimal("100000000");

    /** What the form asks for, and the mistakes found in it; {@code changes} is null when there are any. */
    record Parsed(
            ModelForm form, @Nullable Provider provider, ModelService.@Nullable Changes changes, List<String> errors) {}

    static ModelForm form(MultiValueMap<String, String> fields) {
        return new ModelForm(
                value(fields, "provider"),
                value(fields, "name"),
                value(fields, "providerModelId"),
                value(fields, "baseUrl"),
                value(fields, "temperature"),
                value(fields, "topP"),
                value(fields, "maxTokens"),
                value(fields, "stop").replace("\r\n", "\n"),
                value(fields, "inputPrice"),
                value(fields, "outputPrice"),
                value(fields, "firstToken"),
                value(fields, "idle"),
                value(fields, "envVar"));
    }

    /** Reads a posted form; the API key, if any, goes into the changes and nowhere else. */
    static Parsed parse(MultiValueMap<String, String> fields, boolean registering) {
        ModelForm form = form(fields);
        String apiKey = fields.getFirst("apiKey");
        var errors = new ArrayList<String>();
        Provider provider = null;
        if (registering) {
            try {
                provider = Provider.fromValue(form.provider().strip());
            } catch (IllegalArgumentException e) {
                errors.add("The provider must be one of " + String.join(", ", ModelViews.PROVIDERS) + ".");
            }
        }
        String name = text(form.name(), "The name", 255, errors);
        String providerModelId = text(form.providerModelId(), "The provider's model id", 255, errors);
        String baseUrl = blank(form.baseUrl()) ? null : form.baseUrl().strip();
        if (baseUrl != null && baseUrl.length() > 2048) {
            errors.add("The base URL is longer than 2,048 characters.");
        }
        var parameters = PlaygroundForms.parameters(form.temperature(), form.topP(), form.maxTokens(), form.stop());
        errors.addAll(parameters.errors());
        BigDecimal inputPrice = price(form.inputPrice(), "The input price", errors);
        BigDecimal outputPrice = price(form.outputPrice(), "The output price", errors);
        Duration firstToken = seconds(form.firstToken(), "The first-token timeout", errors);
        Duration idle = seconds(form.idle(), "The idle timeout", errors);
        ModelService.NewCredential credential = credential(apiKey, form.envVar(), errors);
        if (!errors.isEmpty()) {
            return new Parsed(form, provider, null, errors);
        }
        var changes = new ModelService.Changes(
                name,
                providerModelId,
                baseUrl,
                parameters.parameters(),
                credential,
                inputPrice,
                outputPrice,
                null,
                new ModelTimeouts(firstToken, idle));
        return new Parsed(form, provider, changes, errors);
    }

    /** The form filled with a stored model; its credential stays out. */
    static ModelForm of(Model model) {
        ModelParameters parameters = model.parameters();
        return new ModelForm(
                model.provider().value(),
                model.name(),
                model.providerModelId(),
                model.baseUrl() == null ? "" : model.baseUrl().toString(),
                shown(parameters.temperature()),
                shown(parameters.topP()),
                parameters.maxTokens() == null ? "" : parameters.maxTokens().toString(),
                parameters.stop() == null ? "" : String.join("\n", parameters.stop()),
                model.inputPricePerMillion() == null ? "" : plain(model.inputPricePerMillion()),
                model.outputPricePerMillion() == null ? "" : plain(model.outputPricePerMillion()),
                seconds(model.timeouts().firstToken()),
                seconds(model.timeouts().idle()),
                "");
    }

    /** Which kind of credential is set, in words; never the secret, and never a hint of it. */
    static String credential(Credential credential) {
        return switch (credential) {
            case Credential.None none -> "none";
            case Credential.Encrypted encrypted -> "an API key (stored encrypted)";
            case Credential.EnvironmentVariable variable -> "the runtime's environment variable " + variable.name();
        };
    }

    /** A model's timeouts in words: each set one, or that there are none. */
    static String timeouts(ModelTimeouts timeouts) {
        if (timeouts.firstToken() == null && timeouts.idle() == null) {
            return "none";
        }
        var parts = new ArrayList<String>();
        if (timeouts.firstToken() != null) {
            parts.add("first token " + seconds(timeouts.firstToken()) + " s");
        }
        if (timeouts.idle() != null) {
            parts.add("idle " + seconds(timeouts.idle()) + " s");
        }
        return String.join(", ", parts);
    }

    static String price(@Nullable BigDecimal perMillion) {
        return perMillion == null ? "—" : "$" + plain(perMillion) + " / M tokens";
    }

    private static ModelService.@Nullable NewCredential credential(
            @Nullable String apiKey, String envVar, List<String> errors) {
        boolean hasKey = apiKey != null && !apiKey.isEmpty();
        boolean hasVariable = !blank(envVar);
        if (!hasKey && !hasVariable) {
            return null;
        }
        if (hasKey && apiKey.length() > 4096) {
            errors.add("The API key is longer than 4,096 characters.");
        }
        if (hasVariable && !ENVIRONMENT_VARIABLE.matcher(envVar.strip()).matches()) {
            errors.add("The environment variable must be a name such as OPENAI_API_KEY (upper-case letters, digits"
                    + " and '_', not starting with a digit).");
        }
        // Both at once is the service's refusal to make, in its own words.
        return new ModelService.NewCredential(hasKey ? apiKey : null, hasVariable ? envVar.strip() : null);
    }

    private static String text(String value, String what, int max, List<String> errors) {
        String stripped = value.strip();
        if (stripped.isEmpty()) {
            errors.add(what + " is required.");
        } else if (stripped.length() > max) {
            errors.add("%s is longer than %d characters.".formatted(what, max));
        }
        return stripped;
    }

    private static @Nullable BigDecimal price(String value, String what, List<String> errors) {
        if (blank(value)) {
            return null;
        }
        try {
            var price = new BigDecimal(value.strip());
            if (price.signum() >= 0 && price.compareTo(MAX_PRICE) < 0 && Math.max(price.scale(), 0) <= 6) {
                return price;
            }
        } catch (NumberFormatException e) {
            // Said in words below.
        }
        errors.add(what + " must be a number of US dollars per million tokens, from 0, with at most 6 decimals.");
        return null;
    }

    private static @Nullable Duration seconds(String value, String what, List<String> errors) {
        if (blank(value)) {
            return null;
        }
        String stripped = value.strip();
        if (SECONDS.matcher(stripped).matches()) {
            var seconds = new BigDecimal(stripped);
            if (seconds.signum() > 0) {
                return Duration.ofMillis(seconds.movePointRight(3).longValueExact());
            }
        }
        errors.add(what + " must be a number of seconds above 0, such as 5 or 2.5.");
        return null;
    }

    private static String seconds(@Nullable Duration duration) {
        return duration == null
                ? ""
                : plain(BigDecimal.valueOf(duration.toMillis()).movePointLeft(3));
    }

    private static String shown(@Nullable Double value) {
        return value == null ? "" : plain(BigDecimal.valueOf(value));
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }

    private static String value(MultiValueMap<String, String> fields, String name) {
        String value = fields.getFirst(name);
        return value == null ? "" : value;
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }

    private ModelForms() {}
}
