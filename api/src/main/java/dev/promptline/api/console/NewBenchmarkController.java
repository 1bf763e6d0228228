package dev.promptline.api.console;

import dev.promptline.api.console.LeaderboardViews.NewBenchmarkForm;
import dev.promptline.api.console.LeaderboardViews.NewBenchmarkPage;
import dev.promptline.api.datasets.DatasetId;
import dev.promptline.api.datasets.DatasetService;
import dev.promptline.api.leaderboards.BenchmarkService;
import dev.promptline.api.leaderboards.BenchmarkService.MetricRequest;
import dev.promptline.api.leaderboards.Direction;
import dev.promptline.api.platform.errors.PromptlineException;
import dev.promptline.api.platform.tenancy.Caller;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Creating a benchmark, as {@code POST /api/v1/benchmarks} does, through the same service: a dataset version and the
 * evaluators it ranks by (each pinned at its newest version now, with the direction that is better). Experiments that
 * already ran on that dataset version are its first rows.
 */
// Pages, not API: kept out of the OpenAPI document.
@Hidden
@Controller
class NewBenchmarkController {
    private final BenchmarkService benchmarks;
    private final DatasetService datasets;
    private final ConsoleChoices choices;

    NewBenchmarkController(BenchmarkService benchmarks, DatasetService datasets, ConsoleChoices choices) {
        this.benchmarks = benchmarks;
        this.datasets = datasets;
        this.choices = choices;
    }

    @GetMapping("/console/leaderboards/new")
    String form(@AuthenticationPrincipal Caller caller, Model model) {
        model.addAttribute("page", page(caller, NewBenchmarkForm.EMPTY, List.of()));
        return "console/newBenchmark";
    }

    @PostMapping("/console/leaderboards")
    String create(
            @AuthenticationPrincipal Caller caller,
            @RequestParam MultiValueMap<String, String> posted,
            Model model,
            HttpServletResponse response) {
        var form = NewBenchmarkForm.of(posted);
        var errors = new ArrayList<String>();
        if (form.name().isEmpty() || form.name().length() > 255) {
            errors.add("The name is required: 1 to 255 characters.");
        }
        UUID dataset = uuid(form.datasetId());
        if (dataset == null) {
            errors.add("Choose the dataset whose version the benchmark pins.");
        }
        Integer version = form.datasetVersion().isEmpty() ? null : positive(form.datasetVersion());
        if (!form.datasetVersion().isEmpty() && version == null) {
            errors.add("The dataset version is a whole number from 1, or empty for the newest.");
        }
        List<MetricRequest> metrics = new ArrayList<>();
        for (String id : form.evaluatorIds()) {
            UUID evaluator = uuid(id);
            if (evaluator == null) {
                errors.add("One of the checked evaluators is not one this page offered.");
                continue;
            }
            metrics.add(new MetricRequest(evaluator, null, direction(form.direction(id))));
        }
        if (form.evaluatorIds().isEmpty()) {
            errors.add("Check at least one evaluator: a benchmark ranks by their scores.");
        }
        UUID rankBy = form.rankBy().isEmpty() ? null : uuid(form.rankBy());
        if (errors.isEmpty()) {
            try {
                var datasetId = new DatasetId(dataset);
                int pinned = version == null ? datasets.get(caller, datasetId).latestVersion() : version;
                var created =
                        benchmarks.create(caller, form.name(), form.description(), datasetId, pinned, metrics, rankBy);
                return "redirect:/console/leaderboards/" + created.id().value();
            } catch (PromptlineException refused) {
                if (refused.code().status() >= 500) {
                    throw refused;
                }
                errors.add(ConsoleWords.of(refused));
            }
        }
        response.setStatus(422);
        model.addAttribute("page", page(caller, form, errors));
        return "console/newBenchmark";
    }

    private NewBenchmarkPage page(Caller caller, NewBenchmarkForm form, List<String> errors) {
        return new NewBenchmarkPage(form, choices.datasets(caller), choices.evaluators(caller), errors);
    }

    private static Direction direction(String value) {
        return value.equals("lower") ? Direction.LOWER : Direction.HIGHER;
    }

    private static @Nullable Integer positive(String value) {
        try {
            int parsed = Integer.parseInt(value);
            return parsed >= 1 ? parsed : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable UUID uuid(String value) {
        try {
            return value.isEmpty() ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
