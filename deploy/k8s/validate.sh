#!/usr/bin/env bash
# Renders every overlay with kustomize and validates each resource against the schemas bundled
# in schemas/ (Kubernetes 1.34, the Prometheus Operator's PodMonitor), strictly and offline: an
# unknown field, a wrong type or a kind without a bundled schema fails. The two tools are built
# once with `go install` into .local/bin, named by version (a version bump builds them again).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(cd "$here/../.." && pwd)/.local/bin"
KUSTOMIZE=sigs.k8s.io/kustomize/kustomize/v5@v5.8.2
KUBECONFORM=github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0

# tool NAME MODULE@VERSION: the path of the built tool, building it first if needed
tool() {
  local name=$1 module=$2
  local path="$bin/$name-${module##*@}"
  if [[ ! -x $path ]]; then
    command -v go >/dev/null || { echo "deploy/k8s/validate.sh: Go is needed to build $name ($module)" >&2; exit 1; }
    echo "[k8s] building $module" >&2
    local tmp
    tmp="$(mktemp -d)"
    GOBIN="$tmp" go install "$module" >&2
    mkdir -p "$bin"
    mv "$tmp/$name" "$path"
    rmdir "$tmp"
  fi
  echo "$path"
}

kustomize="$(tool kustomize "$KUSTOMIZE")"
kubeconform="$(tool kubeconform "$KUBECONFORM")"
rendered="$(mktemp -d)"
trap 'rm -rf "$rendered"' EXIT
for overlay in "$here"/overlays/*/; do
  name="$(basename "$overlay")"
  "$kustomize" build "$overlay" >"$rendered/$name.yaml"
  echo "[k8s] overlays/$name: $(grep -c '^kind:' "$rendered/$name.yaml") resources rendered" >&2
done
"$kubeconform" -strict -summary -output text \
  -schema-location "$here/schemas/kubernetes/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  -schema-location "$here/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "$rendered"/*.yaml
