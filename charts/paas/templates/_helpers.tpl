{{/*
Names and labels of every object, derived in one place (the standard
helpers `helm create` writes, plus the few addresses the parts share).
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "paas.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object's name: fullnameOverride, else <release>-<chart>,
else the release name alone when it already contains the chart name. Kept to
50 characters so suffixes like "-registry" stay within 63.
*/}}
{{- define "paas.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version for the helm.sh/chart label. */}}
{{- define "paas.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "paas.labels" -}}
helm.sh/chart: {{ include "paas.chart" . }}
app.kubernetes.io/part-of: paas
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels of one component (server, router, registry). Call with a
dict: (dict "root" $ "component" "server").
*/}}
{{- define "paas.selectorLabels" -}}
app.kubernetes.io/name: {{ include "paas.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The paas image, tag defaulting to the chart's appVersion. */}}
{{- define "paas.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The ServiceAccount paas-server runs as. */}}
{{- define "paas.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (printf "%s-server" (include "paas.fullname" .)) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* In-cluster URL of the API, for the router and as the default public URL. */}}
{{- define "paas.serverUrl" -}}
{{- printf "http://%s-server.%s.svc.cluster.local:%d" (include "paas.fullname" .) .Release.Namespace (int .Values.server.port) }}
{{- end }}

{{/* host[:port] release images are pushed to (PAAS_REGISTRY); empty keeps them in the build engine. */}}
{{- define "paas.registryHost" -}}
{{- if .Values.registry.host }}
{{- .Values.registry.host }}
{{- else if .Values.registry.enabled }}
{{- printf "%s-registry.%s.svc.cluster.local:%d" (include "paas.fullname" .) .Release.Namespace (int .Values.registry.port) }}
{{- end }}
{{- end }}

{{/* The Secret and key the router token comes from. */}}
{{- define "paas.routerTokenSecret" -}}
{{- default (printf "%s-router-token" (include "paas.fullname" .)) .Values.router.existingSecret }}
{{- end }}

{{- define "paas.routerTokenKey" -}}
{{- if .Values.router.existingSecret }}
{{- .Values.router.existingSecretKey }}
{{- else }}
{{- "token" }}
{{- end }}
{{- end }}
