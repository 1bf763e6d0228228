package dev.promptline.deploy.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a cluster would notice about the chart, for values.yaml and every values-*.yaml beside it (each runs the runtime
 * embedded, the chart's default) and for the sidecar and standalone runtime modes: each object is valid Kubernetes (no
 * unknown fields, no wrong types), the runtime runs where its mode puts it, the probes point where the service answers,
 * nothing runs as root or can write its root filesystem, the replicas leave migrations to the hook Job
 * (deploy/check-chart.sh checks the Job itself), and the management port never leaves the cluster through the ingress.
 */
class ChartTest {

    static List<RenderedChart> charts() {
        return Stream.concat(
                        RenderedChart.valuesFiles().stream().map(RenderedChart::render),
                        Stream.of(
                                RenderedChart.render("", Map.of("runtime.mode", "sidecar")),
                                RenderedChart.render("values-production.yaml", Map.of("runtime.mode", "sidecar")),
                                RenderedChart.render("values-production.yaml", Map.of("runtime.mode", "standalone"))))
                .toList();
    }

    @Test
    void theRenderedChartsCoverEveryRuntimeMode() {
        assertThat(charts().stream().map(RenderedChart::runtimeMode).distinct())
                .containsExactlyInAnyOrder("embedded", "sidecar", "standalone");
    }

    @Test
    void passesHelmLintStrict() {
        var result = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void rendersOnlyObjectsTheKubernetesModelKnowsCompletely(RenderedChart chart) {
        assertThat(chart.objects()).isNotEmpty();
        assertThat(chart.unknownFields()).as("fields Kubernetes does not know").isEmpty();
        assertThat(chart.objects())
                .filteredOn(object -> object instanceof GenericKubernetesResource)
                .as("only cert-manager's Certificate is outside the core model (deploy/check-chart.sh validates it)")
                .allSatisfy(object -> assertThat(object.getApiVersion() + " " + object.getKind())
                        .isEqualTo("cert-manager.io/v1 Certificate"));
        assertThat(chart.objects())
                .as("every object carries the chart's labels")
                .allSatisfy(object -> assertThat(object.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE)
                        .containsKey("app.kubernetes.io/name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void runsTheApiWithItsRuntimeAndProbesWhereTheServiceAnswers(RenderedChart chart) {
        Deployment deployment = apiDeployment(chart);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container api = container(pod, "api").orElseThrow();

        assertThat(api.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(api.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(api.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(api.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertThat(api.getReadinessProbe().getTimeoutSeconds())
                .as(
                        "above the service's own 2 s HEALTH_CHECK_TIMEOUT, so a slow dependency reads as DOWN, not a timeout")
                .isGreaterThan(2);

        Map<String, String> environment = environment(chart, api);
        String runtimeAddress = environment.getOrDefault("RUNTIME_ADDRESS", "");
        Optional<Container> sidecar = container(pod, "runtime");
        Optional<Deployment> standalone = chart.named(Deployment.class, RenderedChart.RELEASE + "-runtime");
        switch (chart.runtimeMode()) {
            case "embedded" -> {
                assertThat(runtimeAddress)
                        .as("empty: the api serves the runtime in-process")
                        .isEmpty();
                assertThat(sidecar).isEmpty();
                assertThat(standalone).isEmpty();
                assertThat(environment)
                        .as("the api's JVM calls the providers, so it reads their settings")
                        .containsKeys(
                                "PROVIDER_CONNECT_TIMEOUT",
                                "PROVIDER_MAX_ATTEMPTS",
                                "PROVIDER_RETRY_INITIAL_BACKOFF",
                                "PROVIDER_RETRY_MAX_BACKOFF");
            }
            case "sidecar" -> {
                assertThat(runtimeAddress).isEqualTo("localhost:9090");
                assertThat(standalone).isEmpty();
                assertThat(sidecar).hasValueSatisfying(ChartTest::servesGrpcAndDrains);
            }
            case "standalone" -> {
                assertThat(runtimeAddress)
                        .as("the api calls the standalone runtime's Service")
                        .isEqualTo("dns:///" + RenderedChart.RELEASE + "-runtime:9090");
                assertThat(sidecar).isEmpty();
                assertThat(chart.named(Service.class, RenderedChart.RELEASE + "-runtime"))
                        .isPresent();
                assertThat(standalone)
                        .map(runtimeDeployment ->
                                runtimeDeployment.getSpec().getTemplate().getSpec())
                        .flatMap(runtimePod -> container(runtimePod, "runtime"))
                        .hasValueSatisfying(ChartTest::servesGrpcAndDrains);
            }
            default -> throw new AssertionError("unknown runtime mode " + chart.runtimeMode());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void passesPreviousEncryptionKeysFromTheKeysSecretOnlyWhenItHasThem(RenderedChart chart) {
        Container api = container(apiDeployment(chart).getSpec().getTemplate().getSpec(), "api")
                .orElseThrow();
        Map<String, EnvVar> variables = new HashMap<>();
        api.getEnv().forEach(variable -> variables.put(variable.getName(), variable));

        var current = variables.get("CREDENTIALS_ENCRYPTION_KEY").getValueFrom().getSecretKeyRef();
        var previous = variables
                .get("CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS")
                .getValueFrom()
                .getSecretKeyRef();
        assertThat(previous.getName())
                .as("a rotation edits one Secret (docs/runbooks/rotate-keys.md)")
                .isEqualTo(current.getName());
        assertThat(previous.getOptional())
                .as("outside a rotation the Secret has no previous keys, and the pod must still start")
                .isTrue();
    }

    @Test
    void theDefaultValuesRunTheRuntimeInsideTheApiWithTheProviderSettings() {
        RenderedChart chart = RenderedChart.render("");
        PodSpec pod = apiDeployment(chart).getSpec().getTemplate().getSpec();
        Container api = container(pod, "api").orElseThrow();

        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("api");
        assertThat(chart.named(Deployment.class, RenderedChart.RELEASE + "-runtime"))
                .isEmpty();
        assertThat(chart.named(Service.class, RenderedChart.RELEASE + "-runtime"))
                .isEmpty();
        assertThat(chart.named(ConfigMap.class, RenderedChart.RELEASE + "-runtime"))
                .isEmpty();
        Map<String, String> environment = environment(chart, api);
        assertThat(environment.get("RUNTIME_ADDRESS"))
                .as("empty: the api serves the runtime in-process")
                .isEmpty();
        assertThat(environment)
                .containsEntry("PROVIDER_MAX_ATTEMPTS", "3")
                .containsKeys(
                        "PROVIDER_CONNECT_TIMEOUT", "PROVIDER_RETRY_INITIAL_BACKOFF", "PROVIDER_RETRY_MAX_BACKOFF");
    }

    @Test
    void theSidecarModeRunsTheRuntimeBesideTheApiWithItsProbesAndPreStop() {
        RenderedChart chart = RenderedChart.render("", Map.of("runtime.mode", "sidecar"));
        PodSpec pod = apiDeployment(chart).getSpec().getTemplate().getSpec();
        Container api = container(pod, "api").orElseThrow();
        Container runtime = container(pod, "runtime").orElseThrow();

        servesGrpcAndDrains(runtime);
        assertThat(runtime.getLifecycle().getPreStop().getSleep().getSeconds())
                .as("the sidecar keeps taking executions until the api has stopped taking requests")
                .isGreaterThan(api.getLifecycle().getPreStop().getSleep().getSeconds());
        assertThat(environment(chart, api)).containsEntry("RUNTIME_ADDRESS", "localhost:9090");
        assertThat(environment(chart, runtime))
                .containsEntry("RUNTIME_PORT", "9090")
                .containsKeys("RUNTIME_SHUTDOWN_GRACE", "PROVIDER_CONNECT_TIMEOUT", "PROVIDER_MAX_ATTEMPTS");
        assertThat(chart.named(Deployment.class, RenderedChart.RELEASE + "-runtime"))
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void runsNothingAsRootOrWithAWritableRootFilesystem(RenderedChart chart) {
        assertThat(chart.podSpecs()).isNotEmpty();
        for (PodSpec pod : chart.podSpecs()) {
            PodSecurityContext podContext =
                    Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            for (Container container : RenderedChart.containers(pod)) {
                SecurityContext context =
                        Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
                String name = container.getName();
                Boolean nonRoot = Objects.requireNonNullElse(context.getRunAsNonRoot(), podContext.getRunAsNonRoot());
                Long user = Objects.requireNonNullElse(context.getRunAsUser(), podContext.getRunAsUser());
                assertThat(nonRoot).as(name + " runAsNonRoot").isTrue();
                assertThat(user).as(name + " runAsUser").isNotNull().isNotZero();
                assertThat(context.getAllowPrivilegeEscalation())
                        .as(name + " allowPrivilegeEscalation")
                        .isFalse();
                assertThat(context.getReadOnlyRootFilesystem())
                        .as(name + " readOnlyRootFilesystem")
                        .isTrue();
                assertThat(context.getCapabilities().getDrop())
                        .as(name + " drops")
                        .contains("ALL");
                assertThat(context.getPrivileged()).as(name + " privileged").isNotEqualTo(Boolean.TRUE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void leavesMigrationsToTheHookJobExceptWithTheBundledDatabase(RenderedChart chart) {
        Container api = container(apiDeployment(chart).getSpec().getTemplate().getSpec(), "api")
                .orElseThrow();
        boolean bundled = chart.named(StatefulSet.class, RenderedChart.RELEASE + "-postgresql")
                .isPresent();
        // A pre-install Job would run before a bundled PostgreSQL exists; there the service migrates itself.
        assertThat(environment(chart, api).getOrDefault("DATABASE_MIGRATE_ON_START", "true"))
                .isEqualTo(bundled ? "true" : "false");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("charts")
    void neverRoutesTheManagementPortThroughTheIngress(RenderedChart chart) {
        for (Ingress ingress : chart.all(Ingress.class)) {
            ingress.getSpec().getRules().stream()
                    .flatMap(rule -> rule.getHttp().getPaths().stream())
                    .map(path -> path.getBackend().getService())
                    .forEach(backend -> {
                        Service service = chart.named(Service.class, backend.getName())
                                .orElseThrow(() -> new AssertionError("no Service " + backend.getName()));
                        assertThat(service.getSpec().getPorts())
                                .noneMatch(port -> port.getPort() == 8081
                                        || "management".equals(port.getName())
                                        || port.getTargetPort().getIntVal() != null
                                                && port.getTargetPort().getIntVal() == 8081);
                    });
        }
    }

    /**
     * A dataset upload (MAX_UPLOAD_SIZE, 50MB) is the largest body the service accepts, so nginx must let it through:
     * at MAX_REQUEST_BODY_SIZE (1MB) nginx would answer its own 413, in HTML, before the service could say why.
     */
    @Test
    void theNginxIngressLetsThroughTheUploadsTheServiceAccepts() {
        RenderedChart chart = RenderedChart.render("values-production.yaml");
        Container api = container(apiDeployment(chart).getSpec().getTemplate().getSpec(), "api")
                .orElseThrow();

        assertThat(environment(chart, api))
                .containsEntry("MAX_REQUEST_BODY_SIZE", "1MB")
                .containsEntry("MAX_UPLOAD_SIZE", "50MB");
        assertThat(chart.all(Ingress.class))
                .singleElement()
                .satisfies(ingress -> assertThat(ingress.getMetadata().getAnnotations())
                        .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "50m"));
    }

    /** The runtime container's gRPC probes on its port, and the preStop sleep that lets the api let go of it first. */
    private static void servesGrpcAndDrains(Container runtime) {
        assertThat(runtime.getPorts())
                .anySatisfy(port -> assertThat(port.getContainerPort()).isEqualTo(9090));
        assertThat(runtime.getStartupProbe().getGrpc().getPort()).isEqualTo(9090);
        assertThat(runtime.getLivenessProbe().getGrpc().getPort()).isEqualTo(9090);
        assertThat(runtime.getReadinessProbe().getGrpc().getPort()).isEqualTo(9090);
        assertThat(runtime.getLifecycle().getPreStop().getSleep().getSeconds())
                .as("the runtime outlives the api's drain, so in-flight executions finish")
                .isPositive();
    }

    private static Deployment apiDeployment(RenderedChart chart) {
        return chart.named(Deployment.class, RenderedChart.RELEASE)
                .orElseThrow(() -> new AssertionError("no api Deployment in " + chart));
    }

    private static Optional<Container> container(PodSpec pod, String name) {
        return pod.getContainers().stream()
                .filter(c -> c.getName().equals(name))
                .findFirst();
    }

    /** The container's plain environment: its ConfigMaps' data, then its own variables (which win). */
    private static Map<String, String> environment(RenderedChart chart, Container container) {
        var environment = new HashMap<String, String>();
        for (EnvFromSource source : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
            if (source.getConfigMapRef() != null) {
                chart.named(ConfigMap.class, source.getConfigMapRef().getName())
                        .map(ConfigMap::getData)
                        .ifPresent(environment::putAll);
            }
        }
        for (EnvVar variable : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            if (variable.getValue() != null) {
                environment.put(variable.getName(), variable.getValue());
            }
        }
        return environment;
    }
}
