{{/*
The runtime container, the same in the api pod (sidecar) and in the standalone Deployment.
*/}}
{{- define "promptline.runtimeContainer" -}}
{{- $runtime := .Values.runtime -}}
- name: runtime
  image: {{ include "promptline.image" (dict "root" . "image" $runtime.image) | quote }}
  imagePullPolicy: {{ $runtime.image.pullPolicy }}
  ports:
    - name: grpc
      containerPort: {{ $runtime.port }}
      protocol: TCP
  envFrom:
    - configMapRef:
        name: {{ include "promptline.fullname" . }}-runtime
    - secretRef:
        name: {{ include "promptline.fullname" . }}-env
    {{- with $runtime.extraEnvFrom }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if or $runtime.javaToolOptions $runtime.extraEnv }}
  env:
    {{- with $runtime.javaToolOptions }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ . | quote }}
    {{- end }}
    {{- with $runtime.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  # The runtime serves the standard gRPC health service (grpc.health.v1); it reports NOT_SERVING once SIGTERM
  # arrives and it stops taking executions.
  startupProbe:
    grpc:
      port: {{ $runtime.port }}
    {{- toYaml $runtime.startupProbe | nindent 4 }}
  livenessProbe:
    grpc:
      port: {{ $runtime.port }}
    {{- toYaml $runtime.livenessProbe | nindent 4 }}
  readinessProbe:
    grpc:
      port: {{ $runtime.port }}
    {{- toYaml $runtime.readinessProbe | nindent 4 }}
  lifecycle:
    # Keeps taking executions while the api (or, standalone, the Service's endpoints) lets go of this container;
    # SIGTERM then drains running executions for RUNTIME_SHUTDOWN_GRACE. A sleep action: the image needs no shell.
    preStop:
      sleep:
        seconds: {{ $runtime.preStopSleepSeconds }}
  resources:
    {{- toYaml $runtime.resources | nindent 4 }}
  securityContext:
    {{- include "promptline.containerSecurityContext" (dict "user" .Values.securityContext.runAsUser) | nindent 4 }}
  volumeMounts:
    - name: runtime-tmp
      mountPath: /tmp
{{- end -}}
