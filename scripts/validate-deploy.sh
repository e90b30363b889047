#!/usr/bin/env bash
# Validates the Kubernetes deployment in deploy/helm with real tools:
#   1. helm lint --strict and helm template (helm built from the Go module proxy),
#   2. every rendered manifest against the Kubernetes JSON schemas, strict (an unknown or
#      misspelt field fails), for the oldest and newest Kubernetes versions we support,
#      with kubernetes-validate from PyPI, which ships those schemas (no download from GitHub),
#   3. a self-check: a manifest with a misspelt field must fail, so the validator is not a no-op.
# Tools are built once into .tools/ (gitignored). Needs go and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.22.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
CHART=deploy/helm/clerk-camunda-proxy
TOOLS=$PWD/.tools

if ! [ -x "$TOOLS/bin/helm" ] || ! "$TOOLS/bin/helm" version --short | grep -q "^${HELM_VERSION%.*}"; then
  echo "building helm $HELM_VERSION from the Go module proxy…"
  start=$(date +%s)
  GOBIN="$TOOLS/bin" go install -trimpath -ldflags='-s -w' "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "helm built in $(( $(date +%s) - start )) s"
fi
if ! [ -x "$TOOLS/venv/bin/kubernetes-validate" ]; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
helm() { "$TOOLS/bin/helm" "$@"; }
validate() { "$TOOLS/venv/bin/kubernetes-validate" --strict --quiet --no-warn "$@"; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== helm lint"
helm lint --strict "$CHART" --set-file routeMap=routes.config.json

echo "== helm template (defaults; HPA off; an existing Secret)"
helm template proxy "$CHART" --set-file routeMap=routes.config.json >"$out/default.yaml"
helm template proxy "$CHART" --set-file routeMap=routes.config.json \
  --set autoscaling.enabled=false --set existingSecret=proxy-credentials >"$out/variants.yaml"
helm template proxy "$CHART" --set-file routeMap=routes.config.json \
  --set secrets.RATE_LIMIT_STORE=redis://redis-master:6379/0 --set rateLimitStore.onFailure=closed >"$out/store.yaml"
grep -q 'RATE_LIMIT_STORE: "redis://redis-master:6379/0"' "$out/store.yaml"
grep -A1 'name: RATE_LIMIT_STORE_FAILURE' "$out/store.yaml" | grep -q 'value: "closed"'

# The chart refuses what would break a deployment, with a message saying why.
if helm template proxy "$CHART" >/dev/null 2>"$out/err"; then echo "a chart without a route map must not render" >&2; exit 1; fi
grep -q 'routeMap is required' "$out/err"
if helm template proxy "$CHART" --set-file routeMap=routes.config.json --set terminationGracePeriodSeconds=10 >/dev/null 2>"$out/err"; then
  echo "a grace period shorter than preStop + drain must not render" >&2; exit 1
fi
grep -q 'terminationGracePeriodSeconds must exceed' "$out/err"
if helm template proxy "$CHART" --set-file routeMap=routes.config.json --set rateLimitStore.onFailure=ignore >/dev/null 2>"$out/err"; then
  echo "a rateLimitStore.onFailure other than open or closed must not render" >&2; exit 1
fi
grep -q 'rateLimitStore.onFailure must be open or closed' "$out/err"

# What the manifests must say (readiness/liveness paths, the route map's content, non-root).
grep -q 'path: /ready' "$out/default.yaml"
grep -q 'path: /health' "$out/default.yaml"
grep -q 'readOnlyRootFilesystem: true' "$out/default.yaml"
grep -q '"id": "process.start"' "$out/default.yaml"
for kind in Deployment Service ConfigMap Secret PodDisruptionBudget HorizontalPodAutoscaler; do
  grep -q "^kind: $kind\$" "$out/default.yaml" || { echo "missing $kind" >&2; exit 1; }
done

for version in "${KUBERNETES_VERSIONS[@]}"; do
  echo "== Kubernetes $version schemas (strict)"
  validate -k "$version" "$out/default.yaml" "$out/variants.yaml" "$out/store.yaml"
done

echo "== self-check: a misspelt field fails"
sed 's/readinessProbe:/readinesProbe:/' "$out/default.yaml" >"$out/broken.yaml"
if validate -k "${KUBERNETES_VERSIONS[-1]}" "$out/broken.yaml" >/dev/null 2>&1; then
  echo "the schema validation accepted a misspelt field" >&2; exit 1
fi
echo "deploy/ is valid"
