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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a cluster would notice about the chart, for values.yaml and every values-*.yaml beside it: each object is valid
 * Kubernetes (no unknown fields, no wrong types), the runtime runs beside the api, the probes point where the service
 * answers, nothing runs as root or can write its root filesystem, the replicas leave migrations to the hook Job
 * (deploy/check-chart.sh checks the Job itself), and the management port never leaves the cluster through the ingress.
 */
class ChartTest {

    static List<RenderedChart> charts() {
        return RenderedChart.valuesFiles().stream().map(RenderedChart::render).toList();
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

        String runtimeAddress = environment(chart, api).get("RUNTIME_ADDRESS");
        Optional<Container> sidecar = container(pod, "runtime");
        if (sidecar.isPresent()) {
            assertThat(runtimeAddress).isEqualTo("localhost:9090");
            Container runtime = sidecar.get();
            assertThat(runtime.getReadinessProbe().getGrpc().getPort()).isEqualTo(9090);
            assertThat(runtime.getLifecycle().getPreStop())
                    .as("the runtime outlives the api's drain, so in-flight executions finish")
                    .isNotNull();
        } else {
            assertThat(runtimeAddress)
                    .as("without the sidecar the api calls the standalone runtime's Service")
                    .startsWith("dns:///");
            assertThat(chart.named(Deployment.class, RenderedChart.RELEASE + "-runtime"))
                    .isPresent();
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
    void theDefaultValuesRunTheRuntimeAsASidecar() {
        PodSpec pod =
                apiDeployment(RenderedChart.render("")).getSpec().getTemplate().getSpec();
        assertThat(container(pod, "runtime")).isPresent();
    }

    @Test
    void theEmbeddedModeRunsTheRuntimeInsideTheApiWithTheProviderSettings() {
        RenderedChart chart = RenderedChart.render("values-production.yaml", Map.of("runtime.mode", "embedded"));
        Container api = container(apiDeployment(chart).getSpec().getTemplate().getSpec(), "api")
                .orElseThrow();

        assertThat(container(apiDeployment(chart).getSpec().getTemplate().getSpec(), "runtime"))
                .isEmpty();
        assertThat(chart.named(Deployment.class, RenderedChart.RELEASE + "-runtime"))
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
