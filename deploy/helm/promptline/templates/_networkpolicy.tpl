{{/* Egress rules shared by the NetworkPolicies (networkpolicy.yaml and the migration Job's). */}}

{{- define "promptline.egressDns" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  to:
    {{- include "promptline.peer" .Values.networkPolicy.dns | nindent 4 }}
{{- end -}}

{{/* An egress rule to some ports, towards the given peers, or any address when there are none. */}}
{{- define "promptline.egressTo" -}}
- ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- define "promptline.egressProviders" -}}
{{ include "promptline.egressTo" .Values.networkPolicy.providers }}
{{- with .Values.networkPolicy.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end -}}
