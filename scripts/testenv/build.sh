#!/usr/bin/env bash
# Builds the binaries of the test control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok) and of its real node (kubelet,
# kube-proxy, and the static pause binary of the node's sandbox image) from the Go modules pinned in
# tools/testenv/ (kubernetes + etcd) and tools/testenv/kwok/ (kwok), and caches
# them under
#
#   ${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}/<versions-key>/bin/
#
# The versions key is derived from the pinned versions, the Go version and a
# hash of the go.mod/go.sum files and of the build flags, so bumping any of them
# builds into a new directory. When the binaries are already there this script
# exits immediately.
#
# Usage: scripts/testenv/build.sh            build if needed, print the bin dir last
#        scripts/testenv/build.sh --print-bin-dir   only print the bin dir
#
# Environment: CYCLONE_TESTENV_CACHE (cache root), GOTOOLCHAIN (default: local;
# every pinned module builds with Go >= 1.26.0, so no toolchain download).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KUBE_MOD="$ROOT/tools/testenv"
KWOK_MOD="$ROOT/tools/testenv/kwok"

if ! command -v go >/dev/null 2>&1; then
  echo "testenv/build: 'go' not found in PATH (Go >= 1.26 is needed to build the test control plane)" >&2
  exit 1
fi

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"

modver() { # modver <go.mod> <module path> -> version from the require block
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

K8S_VERSION="$(modver "$KUBE_MOD/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(modver "$KUBE_MOD/go.mod" go.etcd.io/etcd/server/v3)"
KWOK_VERSION="$(modver "$KWOK_MOD/go.mod" sigs.k8s.io/kwok)"
if [[ -z "$K8S_VERSION" || -z "$ETCD_VERSION" || -z "$KWOK_VERSION" ]]; then
  echo "testenv/build: cannot read pinned versions from tools/testenv go.mod files" >&2
  exit 1
fi
GO_VERSION="$(go env GOVERSION)"

# Bump when the build recipe below changes in a way that affects the output.
RECIPE=3
K8S_MINOR="${K8S_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"
KUBE_LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  KUBE_LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
  KUBE_LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
KWOK_LDFLAGS="-s -w"

HASH="$(cat "$KUBE_MOD/go.mod" "$KUBE_MOD/go.sum" "$KUBE_MOD/pause/main.go" "$KWOK_MOD/go.mod" "$KWOK_MOD/go.sum" \
  <(echo "$RECIPE $KUBE_LDFLAGS $KWOK_LDFLAGS $(go env GOOS GOARCH)") | sha256sum | cut -c1-12)"
KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_${GO_VERSION}_${HASH}"
CACHE_ROOT="${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}"
DEST="$CACHE_ROOT/$KEY"
BIN="$DEST/bin"
BINARIES=(etcd kube-apiserver kube-controller-manager kube-proxy kube-scheduler kubelet kwok pause)

if [[ "${1:-}" == "--print-bin-dir" ]]; then
  echo "$BIN"
  exit 0
fi

have_all() {
  [[ -f "$DEST/.complete" ]] || return 1
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
}

if have_all; then
  echo "testenv/build: cached ($KEY)" >&2
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build.lock"
if ! flock -n 9; then
  echo "testenv/build: another build is running; waiting for $CACHE_ROOT/.build.lock" >&2
  flock 9
fi
if have_all; then # built by a concurrent invocation while we waited
  echo "testenv/build: cached ($KEY)" >&2
  echo "$BIN"
  exit 0
fi

echo "testenv/build: building control-plane binaries into $BIN" >&2
echo "testenv/build:   kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, $GO_VERSION (GOTOOLCHAIN=$GOTOOLCHAIN)" >&2
echo "testenv/build:   a cold build takes many minutes; Go's build cache makes rebuilds fast" >&2
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-$KEY.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
START=$SECONDS

step() { # step <label> <dir> <go build args...>
  local label="$1" dir="$2" t0=$SECONDS
  shift 2
  echo "testenv/build: [$label] go build $*" >&2
  (cd "$dir" && go build -trimpath "$@") >&2
  echo "testenv/build: [$label] done in $((SECONDS - t0))s" >&2
}

# The five kubernetes commands and etcd in one invocation so that they share
# compilation of their common dependencies (grpc, etcd client, ...).
step "kubernetes+etcd" "$KUBE_MOD" -ldflags="$KUBE_LDFLAGS" -o "$TMP/kube/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-proxy \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubelet \
  go.etcd.io/etcd/server/v3
mv "$TMP/kube/kube-apiserver" "$TMP/kube/kube-controller-manager" "$TMP/kube/kube-proxy" "$TMP/kube/kube-scheduler" "$TMP/kube/kubelet" "$TMP/bin/"
# `go build -o dir/` names the etcd main package after its module path minus the
# major-version suffix ("server").
mv "$TMP/kube/server" "$TMP/bin/etcd"
rmdir "$TMP/kube"

step "pause" "$KUBE_MOD" -ldflags="-s -w" -o "$TMP/bin/pause" ./pause

step "kwok" "$KWOK_MOD" -ldflags="$KWOK_LDFLAGS" -o "$TMP/bin/kwok" sigs.k8s.io/kwok/cmd/kwok

cat >"$TMP/versions.txt" <<VERSIONS
kubernetes $K8S_VERSION
etcd $ETCD_VERSION
kwok $KWOK_VERSION
go $GO_VERSION
VERSIONS
chmod 755 "$TMP"
touch "$TMP/.complete"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "testenv/build: built ${BINARIES[*]} in $((SECONDS - START))s -> $BIN" >&2
echo "$BIN"
