{{/*
One version of a stateful (Kafka Streams) app: a StatefulSet with its state dir on a PVC
(volumeClaimTemplate), its headless Service (each pod's APPLICATION_SERVER resolves, for interactive-query
routing), and its PodDisruptionBudget. Call with dict root, name (app), app (its values), entry (the version
entry: number, replicas?, image?). Several versions render side by side; the client Service (platform-lib.clientService)
selects the live one. APP_VERSION gives each version its own consumer group and internal topics
(`<application id>-v<N>`).
*/}}
{{- define "platform-lib.statefulApp" -}}
{{- $root := .root -}}
{{- $app := .app -}}
{{- $ctx := dict "root" $root "name" .name "version" (int .entry.number) -}}
{{- $fullname := include "platform-lib.versionName" $ctx -}}
{{- $headless := printf "%s-headless" $fullname -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $headless }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  clusterIP: None
  # Peers forward reads to a replica that is still restoring (it answers 503 + Retry-After): resolve it anyway.
  publishNotReadyAddresses: true
  selector:
    {{- include "platform-lib.versionSelectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $app.port }}
      targetPort: http
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  serviceName: {{ $headless }}
  replicas: {{ .entry.replicas | default $app.replicas }}
  # Streams replicas restore independently; nothing needs ordered start-up.
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: {{ $app.state.whenDeleted | default "Delete" }}
    whenScaled: {{ $app.state.whenScaled | default "Retain" }}
  selector:
    matchLabels:
      {{- include "platform-lib.versionSelectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "platform-lib.labels" $ctx | nindent 8 }}
      annotations:
        checksum/topics: {{ $root.Files.Get "files/topics.generated.json" | sha256sum }}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $app.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "platform-lib.podSecurityContext" $root | nindent 8 }}
      initContainers:
        {{- include "platform-lib.waitInitContainers" (dict "root" $root) | trim | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "platform-lib.image" (dict "root" $root "image" (.entry.image | default $app.image)) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: {{ toJson $app.command }}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: HOST
              value: "0.0.0.0"
            - name: PORT
              value: {{ $app.port | toString | quote }}
            - name: MANAGEMENT_PORT
              value: {{ $app.managementPort | toString | quote }}
            - name: APPLICATION_SERVER
              value: {{ printf "$(POD_NAME).%s.%s.svc:%d" $headless $root.Release.Namespace (int $app.port) | quote }}
            - name: APP_VERSION
              value: {{ int .entry.number | toString | quote }}
            - name: STATE_DIR
              value: /var/lib/platform/state
            - name: LOG_LEVEL
              value: {{ $app.logLevel | default $root.Values.logLevel | quote }}
            {{- include "platform-lib.connectionEnv" $root | nindent 12 }}
            {{- include "platform-lib.secretEnv" (dict "root" $root "keys" $app.secretEnv) | nindent 12 }}
            {{- /* `publicUrl` (the gateway's address outside the cluster) under the app's own name, unless its env sets that name. */}}
            {{- if and $app.publicUrlEnv $root.Values.publicUrl (not (get ($app.env | default dict) $app.publicUrlEnv)) }}
            - name: {{ $app.publicUrlEnv }}
              value: {{ $root.Values.publicUrl | quote }}
            {{- end }}
            {{- /* A blank value means unset to the apps' config readers: left out. Whole numbers stay digits (not 8.64e+07). */}}
            {{- range $key, $value := $app.env }}
            {{- $text := $value | toString }}
            {{- if and (kindIs "float64" $value) (eq (float64 (int64 $value)) $value) }}
            {{- $text = int64 $value | toString }}
            {{- end }}
            {{- if ne $text "" }}
            - name: {{ $key }}
              value: {{ $text | quote }}
            {{- end }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $app.port }}
            - name: management
              containerPort: {{ $app.managementPort }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: management
            periodSeconds: 5
            failureThreshold: 3
          livenessProbe:
            httpGet:
              path: /health/live
              port: management
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 6
          resources:
            {{- toYaml $app.resources | nindent 12 }}
          securityContext:
            {{- include "platform-lib.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: state
              mountPath: /var/lib/platform/state
            {{- include "platform-lib.commonMounts" $root | nindent 12 }}
      volumes:
        {{- include "platform-lib.commonVolumes" $root | nindent 8 }}
        - name: topics
          configMap:
            name: {{ include "platform-lib.topicsConfigMap" $root }}
  volumeClaimTemplates:
    - metadata:
        name: state
        labels:
          {{- include "platform-lib.labels" $ctx | nindent 10 }}
      spec:
        accessModes: ["ReadWriteOnce"]
        {{- with ($app.state.storageClassName | default $root.Values.storageClassName) }}
        storageClassName: {{ . | quote }}
        {{- end }}
        resources:
          requests:
            storage: {{ $app.state.size }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  maxUnavailable: {{ $app.pdb.maxUnavailable | default 1 }}
  selector:
    matchLabels:
      {{- include "platform-lib.versionSelectorLabels" $ctx | nindent 6 }}
{{- end -}}

{{/*
Environment variables read from the platform Secret (`keys`: map of variable name → key in the Secret, or →
`{key, optional: true}` for a key the app can run without: absent from the Secret, the variable stays unset).
*/}}
{{- define "platform-lib.secretEnv" -}}
{{- $root := .root -}}
{{- range $name, $ref := .keys }}
{{- $key := $ref }}
{{- $optional := false }}
{{- if kindIs "map" $ref }}
{{- $key = required (printf "secretEnv.%s needs a key" $name) $ref.key }}
{{- $optional = $ref.optional | default false }}
{{- end }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "platform-lib.secretName" $root }}
      key: {{ $key }}
      {{- if $optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/*
The client Service of an app: selects the pods of its live version only (`liveVersion`), so switching
versions is one selector change. Call with dict root, name, app.
*/}}
{{- define "platform-lib.clientService" -}}
{{- $ctx := dict "root" .root "name" .name "version" (int .app.liveVersion) -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "platform-lib.componentName" . }}
  labels:
    {{- include "platform-lib.labels" (dict "root" .root "name" .name) | nindent 4 }}
  annotations:
    kafka-chat-platform/live-version: {{ int .app.liveVersion | quote }}
spec:
  type: ClusterIP
  selector:
    {{- include "platform-lib.versionSelectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .app.port }}
      targetPort: http
{{- end -}}
