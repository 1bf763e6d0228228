#!/usr/bin/env node
// Checks what `helm template` rendered from the Promptline chart, in two passes:
//
//  1. Every object is built with its model class from kubernetes-models (or @kubernetes-models/cert-manager) and
//     validated: wrong types, missing required fields and bad enums fail. A kind without a model class fails too.
//  2. The chart's promises: the runtime where its mode puts it, probes on /health and /ready, nothing running as root, a read-only
//     root filesystem, the migration Job as a hook whose dependencies exist before it, the management port never
//     behind the Ingress, and so on; plus what each values file (the profile) is meant to produce.
//
// Usage: node validate.mjs --profile <name> <rendered.yaml>
// Prints one line per failed check, then a summary; exits 1 when anything failed.

import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";

const PROFILES = {
  // values.yaml alone: bundled PostgreSQL and Redis, the runtime in the api's JVM, no Ingress.
  default: {
    runtime: "embedded",
    bundled: ["postgresql", "redis"],
    migrationJob: false,
    ingress: null,
    hpa: false,
    minApiMemoryLimitMi: 1536,
  },
  dev: {
    runtime: "embedded",
    bundled: ["postgresql", "redis"],
    migrationJob: false,
    ingress: { className: "nginx", tls: null },
    hpa: false,
    pdb: null,
    replicas: 1,
  },
  staging: {
    runtime: "embedded",
    bundled: [],
    migrationJob: true,
    ingress: { className: "nginx", tls: "certificate", issuer: "letsencrypt-staging" },
    hpa: false,
    secretEnv: ["DATABASE_URL", "REDIS_URL", "CREDENTIALS_ENCRYPTION_KEY"],
  },
  // The api carries the runtime's work: at least what the api and the sidecar had together (2Gi + 1Gi).
  production: {
    runtime: "embedded",
    bundled: [],
    migrationJob: true,
    ingress: { className: "nginx", tls: "certificate", issuer: "letsencrypt-production" },
    hpa: true,
    pdb: "minAvailable",
    secretEnv: ["DATABASE_PASSWORD", "REDIS_URL", "CREDENTIALS_ENCRYPTION_KEY"],
    minApiMemoryLimitMi: 3072,
  },
  // Variants the check script renders with --set on top of a values file: the other two runtime modes stay checked.
  "production-sidecar": {
    runtime: "sidecar",
    bundled: [],
    migrationJob: true,
    ingress: { className: "nginx", tls: "certificate", issuer: "letsencrypt-production" },
    hpa: true,
    pdb: "minAvailable",
    secretEnv: ["DATABASE_PASSWORD", "REDIS_URL", "CREDENTIALS_ENCRYPTION_KEY"],
    minApiMemoryLimitMi: 2048,
  },
  "production-standalone": {
    runtime: "standalone",
    bundled: [],
    migrationJob: true,
    ingress: { className: "nginx", tls: "certificate", issuer: "letsencrypt-production" },
    hpa: true,
    pdb: "minAvailable",
  },
  "staging-traefik-annotation": {
    runtime: "embedded",
    bundled: [],
    migrationJob: true,
    ingress: { className: "traefik", tls: "annotation", issuer: "letsencrypt-staging" },
    hpa: false,
  },
  "dev-no-redis": {
    runtime: "embedded",
    bundled: ["postgresql"],
    migrationJob: false,
    ingress: { className: "nginx", tls: null },
    hpa: false,
  },
};

const API_USER = 10001;
const RUNTIME_PORT = 9090;

// ---------------------------------------------------------------------------------------------------------------
// Input

function parseArgs(argv) {
  const args = { profile: null, file: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--profile") args.profile = argv[++i];
    else args.file = argv[i];
  }
  if (!args.file || !args.profile || !PROFILES[args.profile]) {
    console.error(`usage: validate.mjs --profile <${Object.keys(PROFILES).join("|")}> <rendered.yaml>`);
    process.exit(2);
  }
  return args;
}

async function loadObjects(file) {
  const text = await readFile(file, "utf8");
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: YAML error: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value);
  }
  return objects;
}

// ---------------------------------------------------------------------------------------------------------------
// Pass 1: model validation

function modelModule(apiVersion) {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return `kubernetes-models/${apiVersion}`;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (group === "cert-manager.io" || group === "acme.cert-manager.io") {
    return `@kubernetes-models/cert-manager/${group}/${version}`;
  }
  return `kubernetes-models/${group}/${version}`;
}

async function modelClass(apiVersion, kind) {
  let module;
  try {
    module = await import(modelModule(apiVersion));
  } catch (error) {
    if (error.code === "ERR_MODULE_NOT_FOUND" || error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw error;
  }
  const model = module[kind];
  return typeof model === "function" ? model : undefined;
}

function describe(object) {
  return `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
}

/**
 * The validators must reject what they are there to reject: a Deployment whose container has no name and whose
 * replicas is a string. Guards against a package upgrade that turns validate() into a no-op.
 */
async function selfTest(report) {
  const Deployment = await modelClass("apps/v1", "Deployment");
  const broken = {
    metadata: { name: "self-test" },
    spec: { replicas: "2", selector: {}, template: { spec: { containers: [{ image: "x" }] } } },
  };
  let rejected = false;
  try {
    new Deployment(broken).validate();
  } catch {
    rejected = true;
  }
  report.check("model", rejected, "kubernetes-models accepted a Deployment with a nameless container: validation is not working");
}

async function validateModels(objects, report) {
  for (const object of objects) {
    const name = describe(object);
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      report.fail("model", `${name}: no apiVersion or kind`);
      continue;
    }
    const Model = await modelClass(object.apiVersion, object.kind);
    if (!Model) {
      report.fail("model", `${name}: unknown kind ${object.apiVersion} ${object.kind} (no model class)`);
      continue;
    }
    try {
      new Model(structuredClone(object)).validate();
      report.pass("model");
    } catch (error) {
      const details = Array.isArray(error.errors)
        ? error.errors.map((e) => `${e.instancePath || e.dataPath || "/"} ${e.message}`).join("; ")
        : error.message;
      report.fail("model", `${name} (${object.apiVersion}): ${details}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pass 2: what the chart promises

class Report {
  constructor() {
    this.passed = 0;
    this.failures = [];
  }
  pass() {
    this.passed++;
  }
  fail(area, message) {
    this.failures.push(`[${area}] ${message}`);
  }
  check(area, condition, message) {
    if (condition) this.pass();
    else this.fail(area, message);
    return Boolean(condition);
  }
}

const component = (o) => o?.metadata?.labels?.["app.kubernetes.io/component"];
const hookOf = (o) => (o?.metadata?.annotations?.["helm.sh/hook"] ?? "").split(",").filter(Boolean);
const hookWeight = (o) => Number(o?.metadata?.annotations?.["helm.sh/hook-weight"] ?? 0);

function podSpecs(objects) {
  const specs = [];
  for (const o of objects) {
    if (o.kind === "Pod") specs.push({ owner: o, spec: o.spec, meta: o.metadata });
    else if (["Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"].includes(o.kind)) {
      specs.push({ owner: o, spec: o.spec?.template?.spec, meta: o.spec?.template?.metadata });
    } else if (o.kind === "CronJob") {
      specs.push({ owner: o, spec: o.spec?.jobTemplate?.spec?.template?.spec, meta: o.spec?.jobTemplate?.spec?.template?.metadata });
    }
  }
  return specs;
}

function allContainers(spec) {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

function durationSeconds(value) {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(String(value ?? ""));
  if (!match) return NaN;
  const n = Number(match[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, d: n * 86400 }[match[2]];
}

function quantityMi(value) {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(String(value ?? ""));
  if (!match) return NaN;
  const n = Number(match[1]);
  return { Ki: n / 1024, Mi: n, Gi: n * 1024, Ti: n * 1024 * 1024, undefined: n / 1024 / 1024 }[match[2]];
}

/** The environment a container sees from what the chart rendered: ConfigMaps resolved, Secret refs kept as refs. */
function containerEnv(container, objects) {
  const env = new Map();
  const missing = [];
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === source.configMapRef.name);
      if (!cm) missing.push(`ConfigMap ${source.configMapRef.name}`);
      for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(k, { value: v });
    }
    if (source.secretRef) {
      const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === source.secretRef.name);
      for (const k of Object.keys({ ...(secret?.data ?? {}), ...(secret?.stringData ?? {}) })) {
        env.set(k, { secret: source.secretRef.name });
      }
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.secretKeyRef) env.set(variable.name, { secretKeyRef: variable.valueFrom.secretKeyRef });
    else if (variable.valueFrom?.configMapKeyRef) env.set(variable.name, { configMapKeyRef: variable.valueFrom.configMapKeyRef });
    else env.set(variable.name, { value: variable.value ?? "" });
  }
  return { env, missing };
}

function checkLabels(objects, report) {
  const required = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
    "helm.sh/chart",
  ];
  for (const o of objects) {
    const labels = o.metadata?.labels ?? {};
    const absent = required.filter((l) => !labels[l]);
    report.check("labels", absent.length === 0, `${describe(o)} lacks labels ${absent.join(", ")}`);
  }
}

function checkSecurity(objects, report) {
  for (const { owner, spec } of podSpecs(objects)) {
    const where = describe(owner);
    const pod = spec?.securityContext ?? {};
    report.check("security", pod.runAsNonRoot === true, `${where}: pod securityContext.runAsNonRoot is not true`);
    report.check("security", pod.seccompProfile?.type === "RuntimeDefault", `${where}: pod seccompProfile is not RuntimeDefault`);
    report.check("security", spec?.automountServiceAccountToken === false, `${where}: automountServiceAccountToken is not false`);
    report.check("security", spec?.hostNetwork !== true && spec?.hostPID !== true, `${where}: uses the host's namespaces`);
    for (const c of allContainers(spec)) {
      const sc = c.securityContext ?? {};
      const at = `${where} container ${c.name}`;
      const user = sc.runAsUser ?? pod.runAsUser;
      report.check("security", (sc.runAsNonRoot ?? pod.runAsNonRoot) === true, `${at}: runAsNonRoot is not true`);
      report.check("security", Number.isInteger(user) && user > 0, `${at}: runs as user ${user} (root or unset)`);
      report.check("security", sc.allowPrivilegeEscalation === false, `${at}: allowPrivilegeEscalation is not false`);
      report.check("security", sc.readOnlyRootFilesystem === true, `${at}: readOnlyRootFilesystem is not true`);
      report.check("security", sc.privileged !== true, `${at}: privileged`);
      report.check("security", (sc.capabilities?.drop ?? []).includes("ALL"), `${at}: capabilities do not drop ALL`);
      report.check("security", (sc.capabilities?.add ?? []).length === 0, `${at}: adds capabilities`);
      report.check("resources", Boolean(c.resources?.limits?.memory), `${at}: no memory limit`);
      report.check("resources", Boolean(c.resources?.requests?.memory), `${at}: no memory request`);
    }
  }
  for (const sa of objects.filter((o) => o.kind === "ServiceAccount")) {
    report.check("security", sa.automountServiceAccountToken === false, `${describe(sa)}: automountServiceAccountToken is not false`);
  }
}

function findApi(objects, report) {
  const deployments = objects.filter((o) => o.kind === "Deployment" && component(o) === "api");
  report.check("api", deployments.length === 1, `expected one api Deployment, found ${deployments.length}`);
  return deployments[0];
}

function checkApi(objects, api, profile, report) {
  const spec = api.spec.template.spec;
  const byName = Object.fromEntries(spec.containers.map((c) => [c.name, c]));
  const app = byName.api;
  if (!report.check("api", app, "the api Deployment has no container named api")) return;

  // Ports and probes.
  const ports = Object.fromEntries((app.ports ?? []).map((p) => [p.name, p.containerPort]));
  report.check("api", ports.http === 8080, `api container: port http is ${ports.http}, expected 8080`);
  report.check("api", ports.management === 8081, `api container: port management is ${ports.management}, expected 8081`);
  const httpProbe = (probe, path) =>
    probe?.httpGet?.path === path && (probe.httpGet.port === "http" || probe.httpGet.port === 8080);
  report.check("probes", httpProbe(app.livenessProbe, "/health"), "api livenessProbe is not GET /health on port 8080");
  report.check("probes", httpProbe(app.readinessProbe, "/ready"), "api readinessProbe is not GET /ready on port 8080");
  report.check("probes", httpProbe(app.startupProbe, "/health"), "api startupProbe is not GET /health on port 8080");

  const { env, missing } = containerEnv(app, objects);
  report.check("config", missing.length === 0, `api container refers to ConfigMaps the chart does not render: ${missing.join(", ")}`);
  const value = (name) => env.get(name)?.value;
  report.check("config", value("PORT") === "8080", `api PORT is ${value("PORT")}`);
  report.check("config", value("MANAGEMENT_PORT") === "8081", `api MANAGEMENT_PORT is ${value("MANAGEMENT_PORT")}`);
  const healthTimeout = durationSeconds(value("HEALTH_CHECK_TIMEOUT") ?? "2s");
  report.check(
    "probes",
    app.readinessProbe?.timeoutSeconds > healthTimeout,
    `api readinessProbe.timeoutSeconds (${app.readinessProbe?.timeoutSeconds}) is not above HEALTH_CHECK_TIMEOUT (${healthTimeout}s)`,
  );
  for (const name of profile.secretEnv ?? []) {
    report.check("config", env.get(name)?.secretKeyRef, `api ${name} does not come from a Secret`);
  }
  report.check("config", !env.has("DATABASE_PASSWORD") || !env.get("DATABASE_PASSWORD").value, "api DATABASE_PASSWORD is a plain value");
  report.check("config", !env.has("CREDENTIALS_ENCRYPTION_KEY") || !env.get("CREDENTIALS_ENCRYPTION_KEY").value, "api CREDENTIALS_ENCRYPTION_KEY is a plain value");

  // Shutdown: every grace period ends before the kubelet's SIGKILL.
  const grace = spec.terminationGracePeriodSeconds ?? 30;
  const apiPreStop = app.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const shutdown = durationSeconds(value("SHUTDOWN_GRACE_PERIOD") ?? "30s");
  report.check("shutdown", apiPreStop > 0, "api container has no preStop sleep");
  report.check(
    "shutdown",
    apiPreStop + shutdown < grace,
    `api preStop (${apiPreStop}s) + SHUTDOWN_GRACE_PERIOD (${shutdown}s) is not below terminationGracePeriodSeconds (${grace})`,
  );

  // JVM containers: the images' user, /tmp writable.
  for (const c of spec.containers) {
    report.check("security", (c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser) === API_USER, `${c.name} container does not run as ${API_USER}`);
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    const volume = tmp && (spec.volumes ?? []).find((v) => v.name === tmp.name);
    report.check("security", volume?.emptyDir, `${c.name} container has no emptyDir at /tmp`);
  }

  // Rolling pods on configuration changes.
  const annotations = api.spec.template.metadata?.annotations ?? {};
  report.check("rollout", annotations["checksum/config"] && annotations["checksum/secret"], "api pod template lacks checksum annotations");

  // The runtime.
  const runtimeAddress = value("RUNTIME_ADDRESS");
  if (profile.runtime === "sidecar") {
    const runtime = byName.runtime;
    if (report.check("runtime", runtime, "runtime sidecar container missing from the api pod")) {
      report.check("runtime", runtimeAddress === `localhost:${RUNTIME_PORT}`, `RUNTIME_ADDRESS is ${runtimeAddress}, expected localhost:${RUNTIME_PORT}`);
      checkRuntimeContainer(runtime, objects, report, "sidecar");
      const runtimePreStop = runtime.lifecycle?.preStop?.sleep?.seconds ?? 0;
      report.check("shutdown", runtimePreStop > apiPreStop, `runtime preStop (${runtimePreStop}s) is not longer than the api's (${apiPreStop}s)`);
      const runtimeGrace = durationSeconds(containerEnv(runtime, objects).env.get("RUNTIME_SHUTDOWN_GRACE")?.value ?? "30s");
      report.check(
        "shutdown",
        runtimePreStop + runtimeGrace < grace,
        `runtime preStop (${runtimePreStop}s) + RUNTIME_SHUTDOWN_GRACE (${runtimeGrace}s) is not below terminationGracePeriodSeconds (${grace})`,
      );
      const runtimeHosts = containerEnv(runtime, objects).env.get("MODEL_ALLOWED_HOSTS")?.value;
      report.check("config", runtimeHosts === value("MODEL_ALLOWED_HOSTS"), "MODEL_ALLOWED_HOSTS differs between api and runtime");
    }
  } else if (profile.runtime === "embedded") {
    report.check("runtime", !byName.runtime, "embedded mode, yet the api pod has a runtime container");
    report.check("runtime", runtimeAddress === "", `RUNTIME_ADDRESS is ${runtimeAddress}, expected empty (in-process)`);
    report.check(
      "runtime",
      !objects.some((o) => component(o) === "runtime"),
      "embedded mode, yet the chart renders runtime objects",
    );
    for (const name of ["PROVIDER_CONNECT_TIMEOUT", "PROVIDER_MAX_ATTEMPTS", "PROVIDER_RETRY_INITIAL_BACKOFF", "PROVIDER_RETRY_MAX_BACKOFF"]) {
      report.check("config", value(name) !== undefined, `embedded mode, yet the api has no ${name}`);
    }
  } else {
    report.check("runtime", !byName.runtime, "standalone mode, yet the api pod has a runtime container");
    const deployment = objects.find((o) => o.kind === "Deployment" && component(o) === "runtime");
    const service = objects.find((o) => o.kind === "Service" && component(o) === "runtime");
    if (report.check("runtime", deployment && service, "standalone mode without a runtime Deployment and Service")) {
      report.check(
        "runtime",
        runtimeAddress === `dns:///${service.metadata.name}:${RUNTIME_PORT}`,
        `RUNTIME_ADDRESS is ${runtimeAddress}, expected dns:///${service.metadata.name}:${RUNTIME_PORT}`,
      );
      report.check("runtime", service.spec.ports.some((p) => p.port === RUNTIME_PORT), `runtime Service has no port ${RUNTIME_PORT}`);
      const container = deployment.spec.template.spec.containers.find((c) => c.name === "runtime");
      if (report.check("runtime", container, "runtime Deployment has no runtime container")) {
        checkRuntimeContainer(container, objects, report, "standalone");
      }
    }
  }

  // Replicas and scaling.
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
  report.check("scaling", Boolean(hpa) === profile.hpa, `HorizontalPodAutoscaler ${hpa ? "present" : "absent"}, expected ${profile.hpa ? "present" : "absent"}`);
  if (hpa) {
    report.check("scaling", hpa.apiVersion === "autoscaling/v2", `HPA apiVersion is ${hpa.apiVersion}`);
    report.check("scaling", hpa.spec.scaleTargetRef?.name === api.metadata.name && hpa.spec.scaleTargetRef?.kind === "Deployment", "HPA does not target the api Deployment");
    report.check("scaling", api.spec.replicas === undefined, "the api Deployment sets replicas although an HPA scales it");
  }
  if (profile.replicas !== undefined) {
    report.check("scaling", api.spec.replicas === profile.replicas, `api replicas ${api.spec.replicas}, expected ${profile.replicas}`);
  }
  const pdb = objects.find((o) => o.kind === "PodDisruptionBudget" && component(o) === "api");
  if (profile.pdb !== undefined) {
    if (profile.pdb === null) report.check("scaling", !pdb, "unexpected PodDisruptionBudget");
    else if (report.check("scaling", pdb, "PodDisruptionBudget missing")) {
      report.check("scaling", pdb.spec[profile.pdb] !== undefined, `PodDisruptionBudget has no ${profile.pdb}`);
    }
  }
  if (pdb) {
    const podLabels = api.spec.template.metadata.labels;
    const matches = Object.entries(pdb.spec.selector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v);
    report.check("scaling", matches, "PodDisruptionBudget selector does not match the api pods");
  }
  if (profile.minApiMemoryLimitMi) {
    const limit = quantityMi(app.resources?.limits?.memory);
    report.check("resources", limit >= profile.minApiMemoryLimitMi, `api memory limit ${app.resources?.limits?.memory}, expected at least ${profile.minApiMemoryLimitMi}Mi`);
  }
  report.check(
    "resources",
    app.resources?.limits?.memory === app.resources?.requests?.memory,
    "api memory request differs from its limit (the heap follows the limit; the request should promise it)",
  );
  return env;
}

function checkRuntimeContainer(runtime, objects, report, mode) {
  const grpcProbe = (probe) => probe?.grpc?.port === RUNTIME_PORT;
  report.check("probes", grpcProbe(runtime.readinessProbe), `${mode} runtime readinessProbe is not gRPC on ${RUNTIME_PORT}`);
  report.check("probes", grpcProbe(runtime.livenessProbe), `${mode} runtime livenessProbe is not gRPC on ${RUNTIME_PORT}`);
  report.check("runtime", (runtime.ports ?? []).some((p) => p.containerPort === RUNTIME_PORT), `${mode} runtime does not expose ${RUNTIME_PORT}`);
  report.check("shutdown", (runtime.lifecycle?.preStop?.sleep?.seconds ?? 0) > 0, `${mode} runtime has no preStop sleep`);
  const { env } = containerEnv(runtime, objects);
  report.check("config", env.get("RUNTIME_PORT")?.value === String(RUNTIME_PORT), `${mode} runtime RUNTIME_PORT is ${env.get("RUNTIME_PORT")?.value}`);
  for (const name of ["PROVIDER_CONNECT_TIMEOUT", "PROVIDER_MAX_ATTEMPTS", "RUNTIME_SHUTDOWN_GRACE"]) {
    report.check("config", env.has(name), `${mode} runtime lacks ${name}`);
  }
}

/**
 * The migration. With a Job: a pre-install,pre-upgrade hook running the api image with "migrate", and everything
 * its pod refers to that the chart renders is a hook of a lower weight (ordinary objects do not exist yet when
 * pre-install hooks run); the Deployment's own migration is off. Without: the Deployment migrates on start.
 */
function checkMigration(objects, api, apiEnv, profile, report) {
  const jobs = objects.filter((o) => o.kind === "Job" && component(o) === "migrate");
  const migrateOnStart = apiEnv.get("DATABASE_MIGRATE_ON_START")?.value;
  if (!profile.migrationJob) {
    report.check("migration", jobs.length === 0, "unexpected migration Job");
    report.check("migration", migrateOnStart === "true", `no migration Job, yet DATABASE_MIGRATE_ON_START is ${migrateOnStart}`);
    return;
  }
  if (!report.check("migration", jobs.length === 1, `expected one migration Job, found ${jobs.length}`)) return;
  const job = jobs[0];
  report.check("migration", migrateOnStart === "false", `a migration Job runs, yet the Deployment's DATABASE_MIGRATE_ON_START is ${migrateOnStart}`);
  const hooks = hookOf(job);
  report.check("migration", hooks.includes("pre-install") && hooks.includes("pre-upgrade"), `migration Job hooks are [${hooks}], expected pre-install and pre-upgrade`);
  const deletePolicy = job.metadata.annotations?.["helm.sh/hook-delete-policy"] ?? "";
  report.check("migration", deletePolicy.includes("before-hook-creation"), "migration Job lacks hook-delete-policy before-hook-creation");
  report.check("migration", Number.isInteger(job.spec.backoffLimit), "migration Job has no backoffLimit");
  report.check("migration", Number.isInteger(job.spec.activeDeadlineSeconds), "migration Job has no activeDeadlineSeconds");
  const spec = job.spec.template.spec;
  report.check("migration", spec.restartPolicy === "Never" || spec.restartPolicy === "OnFailure", "migration Job restartPolicy");
  const container = spec.containers[0];
  const apiImage = api.spec.template.spec.containers.find((c) => c.name === "api")?.image;
  report.check("migration", container.image === apiImage, `migration Job image ${container.image} is not the api's ${apiImage}`);
  report.check("migration", JSON.stringify(container.args) === '["migrate"]', `migration Job args are ${JSON.stringify(container.args)}`);

  // Everything the hook pod needs must exist before it.
  const weight = hookWeight(job);
  const needed = [];
  if (spec.serviceAccountName && spec.serviceAccountName !== "default") needed.push(["ServiceAccount", spec.serviceAccountName]);
  for (const c of allContainers(spec)) {
    for (const s of c.envFrom ?? []) {
      if (s.configMapRef) needed.push(["ConfigMap", s.configMapRef.name]);
      if (s.secretRef) needed.push(["Secret", s.secretRef.name]);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) needed.push(["Secret", e.valueFrom.secretKeyRef.name]);
      if (e.valueFrom?.configMapKeyRef) needed.push(["ConfigMap", e.valueFrom.configMapKeyRef.name]);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap) needed.push(["ConfigMap", v.configMap.name]);
    if (v.secret) needed.push(["Secret", v.secret.secretName]);
  }
  for (const [kind, name] of needed) {
    const rendered = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!rendered) continue; // Outside the release (e.g. the database Secret you create first): exists already.
    const ok = hookOf(rendered).includes("pre-install") && hookOf(rendered).includes("pre-upgrade") && hookWeight(rendered) < weight;
    report.check("migration", ok, `migration Job needs ${kind}/${name}, which is not a pre-install,pre-upgrade hook of lower weight: it would not exist yet on install`);
  }
}

function checkServicesAndIngress(objects, api, profile, report) {
  const apiPorts = api.spec.template.spec.containers.find((c) => c.name === "api")?.ports ?? [];
  const managementNames = new Set(apiPorts.filter((p) => p.containerPort === 8081).map((p) => p.name));
  const exposesManagement = (service) =>
    (service.spec.ports ?? []).some((p) => p.targetPort === 8081 || managementNames.has(p.targetPort) || p.port === 8081);

  const mainService = objects.find((o) => o.kind === "Service" && o.metadata.name === api.metadata.name);
  if (report.check("service", mainService, "no Service named like the api Deployment")) {
    report.check("service", !exposesManagement(mainService), "the main Service exposes the management port");
  }

  const ingresses = objects.filter((o) => o.kind === "Ingress");
  if (!profile.ingress) {
    report.check("ingress", ingresses.length === 0, "unexpected Ingress");
    return;
  }
  if (!report.check("ingress", ingresses.length === 1, `expected one Ingress, found ${ingresses.length}`)) return;
  const ingress = ingresses[0];
  report.check("ingress", ["nginx", "traefik"].includes(ingress.spec.ingressClassName), `ingressClassName ${ingress.spec.ingressClassName}`);
  report.check("ingress", ingress.spec.ingressClassName === profile.ingress.className, `ingressClassName ${ingress.spec.ingressClassName}, expected ${profile.ingress.className}`);
  for (const rule of ingress.spec.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      const backend = path.backend.service;
      const service = objects.find((o) => o.kind === "Service" && o.metadata.name === backend?.name);
      if (!report.check("ingress", service, `Ingress routes to Service ${backend?.name}, which the chart does not render`)) continue;
      const port = (service.spec.ports ?? []).find((p) => p.name === backend.port?.name || p.port === backend.port?.number);
      report.check("ingress", port, `Ingress routes to a port Service ${service.metadata.name} lacks`);
      const leaks = port && (port.port === 8081 || port.targetPort === 8081 || managementNames.has(port.targetPort));
      report.check("ingress", !leaks, `Ingress routes to the management port through Service ${service.metadata.name}`);
    }
  }
  const annotations = ingress.metadata.annotations ?? {};
  const tls = ingress.spec.tls ?? [];
  if (profile.ingress.tls === null) {
    report.check("ingress", tls.length === 0, "Ingress has TLS, expected none");
    return;
  }
  if (!report.check("ingress", tls.length === 1 && tls[0].secretName, "Ingress has no TLS secretName")) return;
  const certificates = objects.filter((o) => o.kind === "Certificate");
  if (profile.ingress.tls === "certificate") {
    const cert = certificates.find((c) => c.spec.secretName === tls[0].secretName);
    if (report.check("tls", cert, `no cert-manager Certificate writes Secret ${tls[0].secretName}`)) {
      report.check("tls", cert.spec.issuerRef?.name === profile.ingress.issuer, `Certificate issuer ${cert.spec.issuerRef?.name}, expected ${profile.ingress.issuer}`);
      const hosts = (ingress.spec.rules ?? []).map((r) => r.host);
      report.check("tls", hosts.every((h) => cert.spec.dnsNames?.includes(h)), "Certificate does not cover every Ingress host");
    }
  } else if (profile.ingress.tls === "annotation") {
    const issuer = annotations["cert-manager.io/cluster-issuer"] ?? annotations["cert-manager.io/issuer"];
    report.check("tls", issuer === profile.ingress.issuer, `cert-manager issuer annotation is ${issuer}, expected ${profile.ingress.issuer}`);
    report.check("tls", certificates.length === 0, "both a Certificate and the ingress-shim annotation");
  }
}

function checkBundled(objects, profile, report) {
  const statefulSets = objects.filter((o) => o.kind === "StatefulSet");
  const components = statefulSets.map(component).sort();
  report.check("bundled", JSON.stringify(components) === JSON.stringify([...profile.bundled].sort()), `StatefulSets [${components}], expected [${profile.bundled}]`);
  const images = { postgresql: /^postgres:17(\b|$)/, redis: /^redis:7(\b|$)/ };
  for (const sts of statefulSets) {
    report.check("bundled", (sts.spec.volumeClaimTemplates ?? []).length > 0, `${describe(sts)} has no volumeClaimTemplates`);
    const image = sts.spec.template.spec.containers[0]?.image;
    const expected = images[component(sts)];
    if (expected) report.check("bundled", expected.test(image), `${describe(sts)} image ${image}`);
  }
}

function checkNetworkPolicies(objects, api, profile, report) {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && hookOf(o).length === 0);
  if (policies.length === 0) return;
  const podLabels = api.spec.template.metadata.labels;
  const selects = (policy, labels) => Object.entries(policy.spec.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const apiPolicy = policies.find((p) => selects(p, podLabels));
  if (!report.check("network", apiPolicy, "no NetworkPolicy selects the api pods")) return;
  const types = apiPolicy.spec.policyTypes ?? [];
  report.check("network", types.includes("Ingress") && types.includes("Egress"), "the api NetworkPolicy does not restrict both directions");
  const ingressPorts = (apiPolicy.spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
  report.check("network", ingressPorts.includes(8080), "the api NetworkPolicy does not admit port 8080");
  const rule8080 = (apiPolicy.spec.ingress ?? []).find((r) => (r.ports ?? []).some((p) => p.port === 8080));
  const rule8081 = (apiPolicy.spec.ingress ?? []).find((r) => (r.ports ?? []).some((p) => p.port === 8081));
  report.check("network", rule8080 !== rule8081 && JSON.stringify(rule8080?.from) !== JSON.stringify(rule8081?.from), "ports 8080 and 8081 are admitted from the same peers");
  const egressPorts = (apiPolicy.spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.port}/${p.protocol ?? "TCP"}`));
  report.check("network", egressPorts.includes("53/UDP"), "the api NetworkPolicy does not allow DNS");
  report.check("network", egressPorts.includes("5432/TCP"), "the api NetworkPolicy does not allow the database");
  if (profile.runtime !== "standalone") report.check("network", egressPorts.includes("443/TCP"), `the api pods (${profile.runtime} runtime) cannot reach providers on 443`);
  else report.check("network", egressPorts.includes(`${RUNTIME_PORT}/TCP`), "the api pods cannot reach the standalone runtime");
  for (const sts of objects.filter((o) => o.kind === "StatefulSet")) {
    report.check("network", policies.some((p) => selects(p, sts.spec.template.metadata.labels)), `no NetworkPolicy selects ${describe(sts)}`);
  }
}

function checkTestPod(objects, report) {
  const tests = objects.filter((o) => o.kind === "Pod" && hookOf(o).includes("test"));
  if (!report.check("test", tests.length >= 1, "no helm test Pod")) return;
  const command = [...(tests[0].spec.containers[0].command ?? []), ...(tests[0].spec.containers[0].args ?? [])].join(" ");
  report.check("test", /\/ready\b/.test(command), "the helm test Pod does not call /ready");
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const { profile: profileName, file } = parseArgs(process.argv.slice(2));
  const profile = PROFILES[profileName];
  const objects = await loadObjects(file);
  const report = new Report();

  await selfTest(report);
  await validateModels(objects, report);
  checkLabels(objects, report);
  checkSecurity(objects, report);
  const api = findApi(objects, report);
  if (api) {
    const apiEnv = checkApi(objects, api, profile, report);
    if (apiEnv) checkMigration(objects, api, apiEnv, profile, report);
    checkServicesAndIngress(objects, api, profile, report);
    checkNetworkPolicies(objects, api, profile, report);
  }
  checkBundled(objects, profile, report);
  checkTestPod(objects, report);

  const kinds = [...new Set(objects.map((o) => o.kind))].sort().join(", ");
  for (const failure of report.failures) console.log(`    ${failure}`);
  console.log(
    `    ${objects.length} objects (${kinds}); ${report.passed + report.failures.length} checks, ${report.failures.length} failed`,
  );
  process.exit(report.failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(2);
});
