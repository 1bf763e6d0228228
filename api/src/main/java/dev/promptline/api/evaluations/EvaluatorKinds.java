package dev.promptline.api.evaluations;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Every {@link EvaluatorKind} bean of the service, by type. Two beans of one type are a start-up error. */
@Component
class EvaluatorKinds {
    private final Map<String, EvaluatorKind> byType;

    EvaluatorKinds(List<EvaluatorKind> kinds) {
        var types = new TreeMap<String, EvaluatorKind>();
        for (EvaluatorKind kind : kinds) {
            EvaluatorKind clash = types.putIfAbsent(kind.type(), kind);
            if (clash != null) {
                throw new IllegalStateException("Evaluator type '%s' is given by both %s and %s"
                        .formatted(
                                kind.type(),
                                clash.getClass().getName(),
                                kind.getClass().getName()));
            }
        }
        this.byType = Map.copyOf(types);
    }

    Optional<EvaluatorKind> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The types this service knows, in alphabetical order. */
    List<String> types() {
        return byType.keySet().stream().sorted().toList();
    }
}
