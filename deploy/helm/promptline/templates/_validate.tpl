{{/*
Checks across values that values.schema.json cannot express. Each failure names the values to change.
Included once, from configmap.yaml; it renders nothing.
*/}}
{{- define "promptline.validate" -}}
{{- $api := .Values.api -}}
{{- $runtime := .Values.runtime -}}

{{- if le (int $api.terminationGracePeriodSeconds) (add $api.preStopSleepSeconds $api.shutdownGracePeriodSeconds | int) -}}
{{- fail (printf "api.terminationGracePeriodSeconds (%d) must exceed api.preStopSleepSeconds + api.shutdownGracePeriodSeconds (%d): the kubelet would kill the api before it has drained" (int $api.terminationGracePeriodSeconds) (add $api.preStopSleepSeconds $api.shutdownGracePeriodSeconds | int)) -}}
{{- end -}}

{{- if eq $runtime.mode "sidecar" -}}
{{- if le (int $api.terminationGracePeriodSeconds) (add $runtime.preStopSleepSeconds $runtime.shutdownGracePeriodSeconds | int) -}}
{{- fail (printf "api.terminationGracePeriodSeconds (%d) is the sidecar's too and must exceed runtime.preStopSleepSeconds + runtime.shutdownGracePeriodSeconds (%d)" (int $api.terminationGracePeriodSeconds) (add $runtime.preStopSleepSeconds $runtime.shutdownGracePeriodSeconds | int)) -}}
{{- end -}}
{{- if le (int $runtime.preStopSleepSeconds) (int $api.preStopSleepSeconds) -}}
{{- fail (printf "runtime.preStopSleepSeconds (%d) must exceed api.preStopSleepSeconds (%d): the api must stop taking requests before the sidecar stops taking executions" (int $runtime.preStopSleepSeconds) (int $api.preStopSleepSeconds)) -}}
{{- end -}}
{{- else if eq $runtime.mode "standalone" -}}
{{- if le (int $runtime.terminationGracePeriodSeconds) (add $runtime.preStopSleepSeconds $runtime.shutdownGracePeriodSeconds | int) -}}
{{- fail (printf "runtime.terminationGracePeriodSeconds (%d) must exceed runtime.preStopSleepSeconds + runtime.shutdownGracePeriodSeconds (%d)" (int $runtime.terminationGracePeriodSeconds) (add $runtime.preStopSleepSeconds $runtime.shutdownGracePeriodSeconds | int)) -}}
{{- end -}}
{{- end -}}

{{- if le (int $api.readinessProbe.timeoutSeconds) (int $api.healthCheckTimeoutSeconds) -}}
{{- fail (printf "api.readinessProbe.timeoutSeconds (%d) must exceed api.healthCheckTimeoutSeconds (%d), or a slow dependency times the probe out instead of being reported" (int $api.readinessProbe.timeoutSeconds) (int $api.healthCheckTimeoutSeconds)) -}}
{{- end -}}

{{- if eq .Values.database.mode "external" -}}
{{- $db := .Values.database.external -}}
{{- if not (or $db.urlKey $db.host) -}}
{{- fail "database.mode=external needs database.external.urlKey (a key of database.external.existingSecret holding DATABASE_URL) or database.external.host" -}}
{{- end -}}
{{- if and (or $db.urlKey $db.passwordKey) (not $db.existingSecret) -}}
{{- fail "database.external.urlKey and database.external.passwordKey name keys of database.external.existingSecret, which is empty" -}}
{{- end -}}
{{- end -}}

{{- if eq .Values.redis.mode "external" -}}
{{- if not (and .Values.redis.external.existingSecret .Values.redis.external.urlKey) -}}
{{- fail "redis.mode=external needs redis.external.existingSecret (a Secret with REDIS_URL) and redis.external.urlKey" -}}
{{- end -}}
{{- end -}}

{{- if and (eq .Values.migration.strategy "job") (eq .Values.database.mode "bundled") -}}
{{- fail "migration.strategy=job needs an external database: the bundled PostgreSQL does not exist yet when pre-install hooks run. Use migration.strategy=auto or onStart with database.mode=bundled" -}}
{{- end -}}

{{- if .Values.ingress.enabled -}}
{{- if not .Values.ingress.host -}}
{{- fail "ingress.enabled needs ingress.host" -}}
{{- end -}}
{{- $tls := .Values.ingress.tls -}}
{{- if $tls.enabled -}}
{{- if and (has $tls.source (list "certificate" "annotation")) (not $tls.issuer.name) -}}
{{- fail (printf "ingress.tls.source=%s needs ingress.tls.issuer.name (a cert-manager %s)" $tls.source $tls.issuer.kind) -}}
{{- end -}}
{{- if and (eq $tls.source "secret") (not $tls.secretName) -}}
{{- fail "ingress.tls.source=secret needs ingress.tls.secretName (an existing kubernetes.io/tls Secret)" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}

{{- $pdb := .Values.podDisruptionBudget -}}
{{- if $pdb.enabled -}}
{{- if eq (kindIs "invalid" $pdb.minAvailable) (kindIs "invalid" $pdb.maxUnavailable) -}}
{{- fail "podDisruptionBudget needs exactly one of minAvailable and maxUnavailable (set the other to null)" -}}
{{- end -}}
{{- $replicas := ternary .Values.autoscaling.minReplicas $api.replicaCount .Values.autoscaling.enabled | int -}}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "string" $pdb.minAvailable)) -}}
{{- if ge (int $pdb.minAvailable) $replicas -}}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below the api's replicas (%d), or no node could ever be drained" (int $pdb.minAvailable) $replicas) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- if .Values.networkPolicy.enabled -}}
{{- range $name := list "ingressController" "monitoring" "dns" -}}
{{- $peer := index $.Values.networkPolicy $name -}}
{{- if and (not (kindIs "map" $peer.namespaceSelector)) (not (kindIs "map" $peer.podSelector)) -}}
{{- fail (printf "networkPolicy.%s needs a namespaceSelector or a podSelector ({} matches everything)" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
