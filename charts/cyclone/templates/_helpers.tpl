{{/* Labels on every object of the release. */}}
{{- define "cyclone.labels" -}}
app.kubernetes.io/part-of: cyclone
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* An image of the release: cyclone.image (dict "root" . "name" "cyclone-api"). */}}
{{- define "cyclone.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.repository .name (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{- define "cyclone.databaseSecret" -}}
{{ default "cyclone-database" .Values.database.existingSecret }}
{{- end }}

{{- define "cyclone.encryptionKeySecret" -}}
{{ default "cyclone-encryption-key" .Values.encryptionKey.existingSecret }}
{{- end }}

{{/* Pod settings shared by the API, controller and web (restricted Pod Security). */}}
{{- define "cyclone.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  seccompProfile:
    type: RuntimeDefault
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "cyclone.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end }}

{{/* Environment of the API and controller: database, key, admin password, metrics token. */}}
{{- define "cyclone.serverEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "cyclone.databaseSecret" . }}
      key: url
- name: CYCLONE_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "cyclone.encryptionKeySecret" . }}
      key: key
- name: CYCLONE_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default "cyclone-admin" .Values.admin.existingSecret }}
      key: password
      optional: true
{{- with .Values.objectStore.credentialsSecret }}
- name: CYCLONE_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: accessKeyId
- name: CYCLONE_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: secretAccessKey
{{- end }}
{{- with .Values.metrics.tokenSecret }}
- name: CYCLONE_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: token
{{- end }}
{{- end }}

{{/* The probes of the API and controller. */}}
{{- define "cyclone.probes" -}}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: {{ .period }}
livenessProbe:
  httpGet:
    path: /livez
    port: http
  initialDelaySeconds: 30
  periodSeconds: 20
{{- end }}
