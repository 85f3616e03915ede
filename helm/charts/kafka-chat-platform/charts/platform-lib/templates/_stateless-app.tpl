{{/*
A stateless app (gateway, connector ingress): a Deployment, its Service, a PodDisruptionBudget and, when
`autoscaling.enabled`, a HorizontalPodAutoscaler. Call with dict root, name, app, env (extra env entries, YAML list).
*/}}
{{- define "platform-lib.statelessApp" -}}
{{- $root := .root -}}
{{- $app := .app -}}
{{- $ctx := dict "root" $root "name" .name -}}
{{- $fullname := include "platform-lib.componentName" $ctx -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  {{- if not $app.autoscaling.enabled }}
  replicas: {{ $app.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "platform-lib.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "platform-lib.labels" $ctx | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $app.terminationGracePeriodSeconds }}
      securityContext:
        {{- include "platform-lib.podSecurityContext" $root | nindent 8 }}
      containers:
        - name: {{ .name }}
          image: {{ include "platform-lib.image" (dict "root" $root "image" $app.image) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: {{ toJson $app.command }}
          env:
            - name: HOST
              value: "0.0.0.0"
            - name: PORT
              value: {{ $app.port | toString | quote }}
            - name: MANAGEMENT_PORT
              value: {{ $app.managementPort | toString | quote }}
            - name: LOG_LEVEL
              value: {{ $app.logLevel | default $root.Values.logLevel | quote }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- include "platform-lib.secretEnv" (dict "root" $root "keys" $app.secretEnv) | nindent 12 }}
            {{- range $key, $value := $app.env }}
            - name: {{ $key }}
              value: {{ $value | toString | quote }}
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
          livenessProbe:
            httpGet:
              path: /health/live
              port: management
            periodSeconds: 10
            failureThreshold: 6
          resources:
            {{- toYaml $app.resources | nindent 12 }}
          securityContext:
            {{- include "platform-lib.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  type: {{ $app.service.type | default "ClusterIP" }}
  selector:
    {{- include "platform-lib.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $app.port }}
      targetPort: http
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
      {{- include "platform-lib.selectorLabels" $ctx | nindent 6 }}
{{- if $app.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "platform-lib.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $app.autoscaling.minReplicas }}
  maxReplicas: {{ $app.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $app.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}
