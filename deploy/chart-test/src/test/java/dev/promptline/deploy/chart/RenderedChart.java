package dev.promptline.deploy.chart;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart rendered by Helm's own code (helm-java) with one values file and {@code --set} overrides, each object read
 * into fabric8's Kubernetes model. Reading is strict: a field the model does not know (a typo, or a field at the wrong
 * level) lands in a model's additional properties, which {@link #unknownFields()} reports with its path.
 */
record RenderedChart(String valuesFile, Map<String, String> overrides, List<HasMetadata> objects) {
    static final Path CHART = locate("deploy/helm/promptline");
    static final String RELEASE = "promptline";
    /** The cluster version rendered for: the chart requires 1.30 or later (sleep preStop hooks). */
    static final String KUBE_VERSION = "1.32.0";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    RenderedChart {
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        objects = List.copyOf(objects);
    }

    /**
     * Renders with values.yaml alone ({@code valuesFile} empty) or with {@code values-<valuesFile>.yaml} on top.
     * helm-java's template leaves out hooks (the migration Job and what it reads): deploy/check-chart.sh renders those
     * with the helm CLI and checks them.
     */
    static RenderedChart render(String valuesFile) {
        return render(valuesFile, Map.of());
    }

    /** The same, with {@code --set} overrides on top, such as {@code runtime.mode=sidecar}. */
    static RenderedChart render(String valuesFile, Map<String, String> overrides) {
        var template = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace("promptline")
                .withKubeVersion(KUBE_VERSION);
        if (!valuesFile.isEmpty()) {
            template.withValuesFile(CHART.resolve(valuesFile));
        }
        // Unlike the CLI's, helm-java's template sends lookup() to a cluster; given these secrets, the chart makes
        // none.
        template.set("credentialsEncryptionKey.value", "Y2hhcnQtdGVzdC1rZXktb2YtMzItYnl0ZXMtbGVuZ3Q=")
                .set("database.bundled.auth.password", "chart-test")
                .set("redis.bundled.auth.password", "chart-test");
        overrides.forEach(template::set);
        List<HasMetadata> objects = DOCUMENT_SEPARATOR
                .splitAsStream(template.call())
                .filter(document -> document.lines().anyMatch(line -> line.startsWith("kind:")))
                .map(document -> SERIALIZATION.unmarshal(document, HasMetadata.class))
                .toList();
        return new RenderedChart(valuesFile, overrides, objects);
    }

    /**
     * The runtime mode this render is meant to have: {@code embedded}, the chart's default, which every values file
     * keeps, unless an override sets another.
     */
    String runtimeMode() {
        return overrides.getOrDefault("runtime.mode", "embedded");
    }

    static List<String> valuesFiles() {
        try (Stream<Path> files = Files.list(CHART)) {
            return Stream.concat(
                            Stream.of(""),
                            files.map(file -> file.getFileName().toString())
                                    .filter(name -> name.matches("values-.+\\.yaml"))
                                    .sorted())
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream()
                .filter(object -> object.getMetadata().getName().equals(name))
                .findFirst();
    }

    /** Every pod template: Deployments, StatefulSets and Jobs; plus the bare pods (helm test). */
    List<PodSpec> podSpecs() {
        var specs = new ArrayList<PodSpec>();
        all(Deployment.class).forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        all(StatefulSet.class).forEach(s -> specs.add(s.getSpec().getTemplate().getSpec()));
        all(Job.class).stream()
                .map(job -> job.getSpec().getTemplate())
                .map(PodTemplateSpec::getSpec)
                .forEach(specs::add);
        all(io.fabric8.kubernetes.api.model.Pod.class).forEach(pod -> specs.add(pod.getSpec()));
        return specs;
    }

    static List<Container> containers(PodSpec spec) {
        var all = new ArrayList<Container>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        return all;
    }

    /** Paths of fields the Kubernetes model does not know, such as {@code Deployment/promptline.spec.replica}. */
    List<String> unknownFields() {
        var found = new ArrayList<String>();
        for (HasMetadata object : objects) {
            if (!(object instanceof GenericKubernetesResource)) {
                walk(object, object.getKind() + "/" + object.getMetadata().getName(), found);
            }
        }
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        switch (value) {
            case null -> {}
            case Map<?, ?> map -> map.forEach((key, item) -> walk(item, path + "." + key, found));
            case Collection<?> items -> {
                int index = 0;
                for (Object item : items) {
                    walk(item, path + "[" + index++ + "]", found);
                }
            }
            default -> {
                if (value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
                    walkModel(value, path, found);
                }
            }
        }
    }

    private static void walkModel(Object model, String path, List<String> found) {
        for (Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(getter, model);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                    unknown.keySet().forEach(key -> found.add(path + "." + key));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3))
                    + getter.getName().substring(4);
            walk(value, path + "." + field, found);
        }
    }

    private static Object invoke(Method getter, Object model) {
        try {
            return getter.invoke(model);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Reading " + getter, e);
        }
    }

    /** The repository's folder, found from wherever Maven runs the tests (the module or the repository root). */
    private static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(
                relative + " not found above " + Path.of("").toAbsolutePath());
    }

    @Override
    public String toString() {
        var name = new StringBuilder(valuesFile.isEmpty() ? "values.yaml" : valuesFile);
        overrides.forEach(
                (key, value) -> name.append(" --set ").append(key).append('=').append(value));
        return name.toString();
    }

    static List<String> kinds(RenderedChart chart) {
        return chart.objects().stream().map(HasMetadata::getKind).distinct().toList();
    }

    static List<String> arguments(Container container) {
        return container.getArgs() == null ? List.of() : container.getArgs();
    }

    static List<String> split(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).toList();
    }
}
