#!/usr/bin/env bash
# Builds one command the tests need from the Go module pinned in tools/testenv/<name>
# (its own module, with its own dependency versions) and caches it under
#
#   ${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}/<name>-<version>_<go>_<hash>/bin/<name>
#
# apart from the control-plane binaries, so that bumping one never rebuilds another.
# Prints the binary's path last; exits at once when it is cached.
#
# Hydra keeps its state in SQLite (the SSO tests use DSN=memory), which needs cgo and a C
# compiler; the others are pure Go. Jaeger (the tracing tests' trace store) is the v2
# all-in-one, cmd/jaeger, run with its in-memory storage. CoreDNS is the module's own main
# package (tools/testenv/coredns/main.go): CoreDNS with only the plugins the test cluster's DNS uses.
#
# Usage: scripts/testenv/build-go-tool.sh helm | versitygw | hydra | jaeger | coredns | argo
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAME="${1:?usage: build-go-tool.sh helm|versitygw|hydra|jaeger|coredns|argo}"
CGO=0
TAGS=""
case "$NAME" in
  helm) MODULE=helm.sh/helm/v4; PACKAGE=helm.sh/helm/v4/cmd/helm ;;
  versitygw) MODULE=github.com/versity/versitygw; PACKAGE=github.com/versity/versitygw/cmd/versitygw ;;
  hydra) MODULE=github.com/ory/hydra/v2; PACKAGE=github.com/ory/hydra/v2; CGO=1; TAGS=sqlite,sqlite_omit_load_extension ;;
  coredns) MODULE=github.com/coredns/coredns; PACKAGE=. ;;
  jaeger) MODULE=github.com/jaegertracing/jaeger; PACKAGE=github.com/jaegertracing/jaeger/cmd/jaeger ;;
  # Only for the comparison benchmark (bench/k8s/compare/argo-side.ts), built on demand by it: never by
  # set-up, never shipped, run only inside the benchmark's own network namespace.
  argo) MODULE=github.com/argoproj/argo-workflows/v4; PACKAGE=github.com/argoproj/argo-workflows/v4/cmd/workflow-controller ;;
  *) echo "testenv/build-go-tool: unknown tool $NAME" >&2; exit 2 ;;
esac
MOD="$ROOT/tools/testenv/$NAME"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=$CGO
export GOFLAGS="-mod=readonly -buildvcs=false"

if ! command -v go >/dev/null 2>&1; then
  echo "testenv/build-go-tool: 'go' not found in PATH (Go >= 1.26 is needed to build $NAME)" >&2
  exit 1
fi

VERSION="$(awk -v m="$MODULE" '$1 == "require" && $2 == m { print $3 }' "$MOD/go.mod")"
LDFLAGS="-s -w"
[[ "$NAME" == hydra ]] && LDFLAGS="$LDFLAGS -X github.com/ory/hydra/v2/driver/config.Version=$VERSION"
SOURCES=("$MOD/go.mod" "$MOD/go.sum")
[[ "$PACKAGE" == . ]] && SOURCES+=("$MOD/main.go") # a main package of our own
HASH="$(cat "${SOURCES[@]}" <(echo "$PACKAGE ${TAGS:+$TAGS }$LDFLAGS $(go env GOOS GOARCH)") | sha256sum | cut -c1-12)"
CACHE_ROOT="${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}"
DEST="$CACHE_ROOT/$NAME-${VERSION}_$(go env GOVERSION)_$HASH"

if [[ -x "$DEST/bin/$NAME" ]]; then
  echo "$DEST/bin/$NAME"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build-$NAME.lock"
flock 9
if [[ -x "$DEST/bin/$NAME" ]]; then # built by a concurrent invocation while we waited
  echo "$DEST/bin/$NAME"
  exit 0
fi
echo "testenv/build-go-tool: building $NAME $VERSION into $DEST" >&2
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-$NAME.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
START=$SECONDS
(cd "$MOD" && go build -trimpath -tags "$TAGS" -ldflags="$LDFLAGS" -o "$TMP/bin/$NAME" "$PACKAGE") >&2
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "testenv/build-go-tool: $NAME done in $((SECONDS - START))s" >&2
echo "$DEST/bin/$NAME"
