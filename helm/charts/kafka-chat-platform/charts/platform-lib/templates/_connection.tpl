{{/*
How every platform container reaches Kafka and the schema registry: the chart's own (kafka.internal /
registry.internal) or external ones given as values (SASL, TLS, registry credentials). Secrets are read from
Secrets through secretKeyRef, never from ConfigMaps.
*/}}

{{- define "platform-lib.kafkaBrokers" -}}
{{- if .Values.kafka.external.brokers -}}
{{- .Values.kafka.external.brokers -}}
{{- else if .Values.kafka.internal.enabled -}}
{{- $fullname := include "platform-lib.fullname" . -}}
{{- $brokers := list -}}
{{- range $i := until (int .Values.kafka.internal.replicas) -}}
{{- $brokers = append $brokers (printf "%s-kafka-%d.%s-kafka-headless.%s.svc:9092" $fullname $i $fullname $.Release.Namespace) -}}
{{- end -}}
{{- join "," $brokers -}}
{{- else -}}
{{- fail "kafka.external.brokers is required when kafka.internal.enabled is false" -}}
{{- end -}}
{{- end -}}

{{- define "platform-lib.registryUrl" -}}
{{- if .Values.registry.external.url -}}
{{- .Values.registry.external.url -}}
{{- else if .Values.registry.internal.enabled -}}
{{- printf "http://%s-registry.%s.svc:8080/apis/ccompat/v7" (include "platform-lib.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- fail "registry.external.url is required when registry.internal.enabled is false" -}}
{{- end -}}
{{- end -}}

{{/* Environment of every container that talks to Kafka and the registry (apps, init containers, topics job). */}}
{{- define "platform-lib.connectionEnv" -}}
{{- $ext := .Values.kafka.external -}}
- name: KAFKA_BROKERS
  value: {{ include "platform-lib.kafkaBrokers" . | quote }}
- name: SCHEMA_REGISTRY_URL
  value: {{ include "platform-lib.registryUrl" . | quote }}
{{- with .Values.topics.namespace }}
- name: TOPICS_NAMESPACE
  value: {{ . | quote }}
{{- end }}
{{- if and $ext.brokers $ext.tls.enabled }}
- name: KAFKA_TLS
  value: "true"
- name: KAFKA_TLS_REJECT_UNAUTHORIZED
  value: {{ $ext.tls.rejectUnauthorized | toString | quote }}
{{- if $ext.tls.caSecret }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/platform/kafka-ca/ca.crt
{{- end }}
{{- end }}
{{- if and $ext.brokers $ext.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $ext.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ required "kafka.external.sasl.username is required with a SASL mechanism" $ext.sasl.username | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $ext.sasl.existingSecret | default (include "platform-lib.secretName" .) }}
      key: {{ if $ext.sasl.existingSecret }}{{ $ext.sasl.passwordKey }}{{ else }}KAFKA_SASL_PASSWORD{{ end }}
{{- end }}
{{- $reg := .Values.registry.external -}}
{{- if and $reg.url $reg.username }}
- name: SCHEMA_REGISTRY_USERNAME
  value: {{ $reg.username | quote }}
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $reg.existingSecret | default (include "platform-lib.secretName" .) }}
      key: {{ if $reg.existingSecret }}{{ $reg.passwordKey }}{{ else }}SCHEMA_REGISTRY_PASSWORD{{ end }}
{{- end }}
{{- end -}}

{{/* Volume mounts and volumes for the Kafka CA (external TLS with a CA Secret), and /tmp (read-only root fs). */}}
{{- define "platform-lib.commonMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if and .Values.kafka.external.brokers .Values.kafka.external.tls.enabled .Values.kafka.external.tls.caSecret }}
- name: kafka-ca
  mountPath: /etc/platform/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "platform-lib.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if and .Values.kafka.external.brokers .Values.kafka.external.tls.enabled .Values.kafka.external.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.external.tls.caSecret }}
{{- end }}
{{- end -}}
