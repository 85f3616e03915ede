{{/*
Init containers of every stateful app: wait until the brokers answer, until every topic of the generated list
(files/topics.generated.json, applied by the topics job) exists, and until the schema registry answers.
Each is a check against the real thing, never a sleep; tools/wait.cjs in the platform image gives up after
waitTimeoutSeconds and exits 1, so the pod shows why it is not starting.
*/}}
{{- define "platform-lib.waitInitContainers" -}}
{{- $root := .root -}}
{{- range $target := list "kafka" "topics" "registry" }}
- name: wait-for-{{ $target }}
  image: {{ include "platform-lib.image" (dict "root" $root) }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  command: ["node", "/app/tools/wait.cjs", {{ $target | quote }}{{ if eq $target "topics" }}, "/etc/platform/topics/topics.json"{{ end }}]
  env:
    {{- include "platform-lib.connectionEnv" $root | nindent 4 }}
    - name: WAIT_TIMEOUT_SECONDS
      value: {{ $root.Values.waitTimeoutSeconds | toString | quote }}
  securityContext:
    {{- include "platform-lib.containerSecurityContext" $root | nindent 4 }}
  resources:
    {{- toYaml $root.Values.initResources | nindent 4 }}
  volumeMounts:
    {{- include "platform-lib.commonMounts" $root | nindent 4 }}
    {{- if eq $target "topics" }}
    - name: topics
      mountPath: /etc/platform/topics
      readOnly: true
    {{- end }}
{{- end }}
{{- end -}}
