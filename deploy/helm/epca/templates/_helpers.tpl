{{/* The release's name, at most 63 characters (a DNS label). */}}
{{- define "epca.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "epca.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "epca.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "epca.image" -}}
{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end -}}

{{- define "epca.secretName" -}}
{{- .Values.secret.existingSecret | default (printf "%s-secret" (include "epca.fullname" .)) -}}
{{- end -}}

{{/* The environment both the API and the worker run with. */}}
{{- define "epca.env" -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "epca.secretName" . }}, key: DATABASE_URL } }
- name: DATABASE_READ_URL
  valueFrom: { secretKeyRef: { name: {{ include "epca.secretName" . }}, key: DATABASE_READ_URL, optional: true } }
- name: SECRET_KEY
  valueFrom: { secretKeyRef: { name: {{ include "epca.secretName" . }}, key: SECRET_KEY } }
- name: FIRST_ADMIN_EMAIL
  valueFrom: { secretKeyRef: { name: {{ include "epca.secretName" . }}, key: FIRST_ADMIN_EMAIL, optional: true } }
- name: FIRST_ADMIN_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "epca.secretName" . }}, key: FIRST_ADMIN_PASSWORD, optional: true } }
{{- end -}}
