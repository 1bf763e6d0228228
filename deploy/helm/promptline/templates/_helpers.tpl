{{/*
Names, labels, images and the pieces every pod shares. Templates include these rather than repeat them.
*/}}

{{- define "promptline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release's base name. Suffixes (-runtime, -postgresql, -migrate, ...) are added to it, so it is kept to 45
characters: the longest suffix is 18 and names of Services must stay within 63.
*/}}
{{- define "promptline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "promptline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select pods of one component: stable across upgrades (a Deployment's selector is immutable). */}}
{{- define "promptline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "promptline.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every object's labels. Call with (dict "root" $ "component" "api"). */}}
{{- define "promptline.labels" -}}
helm.sh/chart: {{ include "promptline.chart" .root }}
{{ include "promptline.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: promptline
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is given. The tag defaults to the chart's appVersion. */}}
{{- define "promptline.image" -}}
{{- $image := .image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "promptline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "promptline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Pod-level security context of every pod the chart runs: non-root, the images' user (10001) unless told otherwise,
the runtime's default seccomp profile. Call with (dict "user" 10001 "fsGroup" 10001).
*/}}
{{- define "promptline.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .user }}
runAsGroup: {{ .user }}
fsGroup: {{ .fsGroup | default .user }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context of every container the chart runs. Call with (dict "user" 10001). */}}
{{- define "promptline.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .user }}
runAsGroup: {{ .user }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A duration in whole seconds, as the service and the runtime read it ("30s"). */}}
{{- define "promptline.seconds" -}}
{{- printf "%ds" (int .) -}}
{{- end -}}

{{/* Where the api finds the runtime. */}}
{{- define "promptline.runtimeAddress" -}}
{{- if eq .Values.runtime.mode "standalone" -}}
{{- printf "dns:///%s-runtime:%d" (include "promptline.fullname" .) (int .Values.runtime.port) -}}
{{- else if eq .Values.runtime.mode "embedded" -}}
{{- /* Empty: the api runs the runtime in its own JVM. */ -}}
{{- else -}}
{{- printf "localhost:%d" (int .Values.runtime.port) -}}
{{- end -}}
{{- end -}}

{{/*
How migrations run: "job" (a pre-install/pre-upgrade hook Job, the Deployment's own migration off) or "onStart"
(every api replica migrates at start-up, serialised by Flyway's lock). "auto" is job with an external database and
onStart with the bundled one, which does not exist yet when pre-install hooks run.
*/}}
{{- define "promptline.migrationStrategy" -}}
{{- $strategy := .Values.migration.strategy -}}
{{- if eq $strategy "auto" -}}
{{- if eq .Values.database.mode "bundled" }}onStart{{ else }}job{{ end -}}
{{- else -}}
{{- $strategy -}}
{{- end -}}
{{- end -}}

{{- define "promptline.postgresqlSecretName" -}}
{{- default (printf "%s-postgresql" (include "promptline.fullname" .)) .Values.database.bundled.auth.existingSecret -}}
{{- end -}}

{{- define "promptline.redisSecretName" -}}
{{- printf "%s-redis" (include "promptline.fullname" .) -}}
{{- end -}}

{{- define "promptline.encryptionKeySecretName" -}}
{{- default (printf "%s-encryption-key" (include "promptline.fullname" .)) .Values.credentialsEncryptionKey.existingSecret -}}
{{- end -}}

{{/* True (non-empty) when the service gets CREDENTIALS_ENCRYPTION_KEY at all. */}}
{{- define "promptline.hasEncryptionKey" -}}
{{- $key := .Values.credentialsEncryptionKey -}}
{{- if or $key.existingSecret $key.value $key.generate }}true{{ end -}}
{{- end -}}

{{/*
Environment variables that come from Secrets: the database's, Redis' and the encryption key. The same list for the
api container and (database part only, see promptline.databaseSecretEnv) the migration Job.
*/}}
{{- define "promptline.databaseSecretEnv" -}}
{{- if eq .Values.database.mode "bundled" }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "promptline.postgresqlSecretName" . }}
      key: {{ .Values.database.bundled.auth.passwordKey }}
{{- else }}
{{- $external := .Values.database.external }}
{{- if $external.urlKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $external.existingSecret }}
      key: {{ $external.urlKey }}
{{- end }}
{{- if $external.passwordKey }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $external.existingSecret }}
      key: {{ $external.passwordKey }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "promptline.apiSecretEnv" -}}
{{ include "promptline.databaseSecretEnv" . }}
{{- if eq .Values.redis.mode "bundled" }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "promptline.redisSecretName" . }}
      key: REDIS_URL
{{- else if eq .Values.redis.mode "external" }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.external.existingSecret }}
      key: {{ .Values.redis.external.urlKey }}
{{- end }}
{{- if include "promptline.hasEncryptionKey" . }}
- name: CREDENTIALS_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "promptline.encryptionKeySecretName" . }}
      key: {{ .Values.credentialsEncryptionKey.existingSecretKey }}
{{- /* Only during a rotation: absent from the Secret, the variable is not set. */}}
- name: CREDENTIALS_PREVIOUS_ENCRYPTION_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ include "promptline.encryptionKeySecretName" . }}
      key: {{ .Values.credentialsEncryptionKey.previousKeysSecretKey }}
      optional: true
{{- end }}
{{- end -}}

{{/* The database settings that are not secret, for the api's ConfigMap and the migration Job's. */}}
{{- define "promptline.databaseConfig" -}}
{{- if eq .Values.database.mode "bundled" }}
DATABASE_HOST: {{ printf "%s-postgresql" (include "promptline.fullname" .) | quote }}
DATABASE_PORT: "5432"
DATABASE_NAME: {{ .Values.database.bundled.auth.database | quote }}
DATABASE_USER: {{ .Values.database.bundled.auth.username | quote }}
{{- else }}
{{- with .Values.database.external }}
{{- if .host }}
DATABASE_HOST: {{ .host | quote }}
DATABASE_PORT: {{ .port | toString | quote }}
DATABASE_NAME: {{ .name | quote }}
{{- end }}
{{- if .user }}
DATABASE_USER: {{ .user | quote }}
{{- end }}
{{- end }}
{{- end }}
DATABASE_POOL_MAX_SIZE: {{ .Values.database.pool.maxSize | toString | quote }}
DATABASE_POOL_MIN_IDLE: {{ .Values.database.pool.minIdle | toString | quote }}
DATABASE_CONNECTION_TIMEOUT: {{ .Values.database.pool.connectionTimeout | quote }}
DATABASE_POOL_MAX_LIFETIME: {{ .Values.database.pool.maxLifetime | quote }}
{{- end -}}

{{/* The /tmp volume of a container with a read-only root filesystem. */}}
{{- define "promptline.tmpVolume" -}}
- name: {{ .name }}
  {{- if .sizeLimit }}
  emptyDir:
    sizeLimit: {{ .sizeLimit }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end -}}

{{/*
One peer of a NetworkPolicy rule from a selector pair. A selector that is null is left out; an empty one ({}) is kept
and matches everything (all namespaces, or all pods of the selected namespaces).
*/}}
{{- define "promptline.peer" -}}
{{- $peer := dict -}}
{{- if kindIs "map" .namespaceSelector }}{{ $_ := set $peer "namespaceSelector" .namespaceSelector }}{{ end -}}
{{- if kindIs "map" .podSelector }}{{ $_ := set $peer "podSelector" .podSelector }}{{ end -}}
{{- toYaml (list $peer) -}}
{{- end -}}

{{/* How the runtime calls the model providers: in the runtime's environment, or the api's when it is embedded. */}}
{{- define "promptline.providerConfig" -}}
{{- $provider := .Values.config.provider -}}
PROVIDER_CONNECT_TIMEOUT: {{ $provider.connectTimeout | quote }}
PROVIDER_MAX_ATTEMPTS: {{ $provider.maxAttempts | toString | quote }}
PROVIDER_RETRY_INITIAL_BACKOFF: {{ $provider.retryInitialBackoff | quote }}
PROVIDER_RETRY_MAX_BACKOFF: {{ $provider.retryMaxBackoff | quote }}
{{- end -}}
