{{/*
Names and labels. Every template of this library takes the root context (`$`) or a dict with `root` set to it.
*/}}

{{/* Release-wide prefix of every object name (30 characters at most so pod names stay under 63). */}}
{{- define "platform-lib.fullname" -}}
{{- $name := .Values.fullnameOverride | default .Release.Name -}}
{{- $name | trunc 30 | trimSuffix "-" -}}
{{- end -}}

{{/* `<fullname>-<component>` */}}
{{- define "platform-lib.componentName" -}}
{{- printf "%s-%s" (include "platform-lib.fullname" .root) .name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{/* `<fullname>-<app>-v<N>`: the StatefulSet of one version of a stateful app. */}}
{{- define "platform-lib.versionName" -}}
{{- printf "%s-%s-v%d" (include "platform-lib.fullname" .root) .name (int .version) -}}
{{- end -}}

{{- define "platform-lib.versionLabel" -}}kafka-chat-platform/version{{- end -}}

{{/* Labels selecting every pod of a component (all versions). */}}
{{- define "platform-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Labels selecting the pods of one version of a component. */}}
{{- define "platform-lib.versionSelectorLabels" -}}
{{ include "platform-lib.selectorLabels" . }}
{{ include "platform-lib.versionLabel" . }}: {{ int .version | quote }}
{{- end -}}

{{/* Labels of every object; pass `version` to add the version label. */}}
{{- define "platform-lib.labels" -}}
{{ include "platform-lib.selectorLabels" . }}
app.kubernetes.io/part-of: kafka-chat-platform
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- if hasKey . "version" }}
{{ include "platform-lib.versionLabel" . }}: {{ int .version | quote }}
{{- end }}
{{- end -}}

{{/* `repository:tag` of the platform image, or of `.image` when given. */}}
{{- define "platform-lib.image" -}}
{{- $image := .image | default dict -}}
{{- $global := .root.Values.image -}}
{{- printf "%s:%s" ($image.repository | default $global.repository) ($image.tag | default $global.tag | default .root.Chart.AppVersion | toString) -}}
{{- end -}}

{{/* Name of the Secret holding the generated platform secrets. */}}
{{- define "platform-lib.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "platform-lib.fullname" .)) -}}
{{- end -}}

{{/* Name of the ConfigMap holding the generated topic list. */}}
{{- define "platform-lib.topicsConfigMap" -}}
{{- printf "%s-topics" (include "platform-lib.fullname" .) -}}
{{- end -}}
