#!/usr/bin/env bash
# Builds `helm` (for the chart's tests) from the Go module pinned in tools/testenv/helm
# and caches it under
#
#   ${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}/helm-<version>_<go>_<hash>/bin/helm
#
# apart from the control-plane binaries, so that bumping one never rebuilds the other.
# Prints the binary's path last; exits at once when it is cached.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOD="$ROOT/tools/testenv/helm"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"

if ! command -v go >/dev/null 2>&1; then
  echo "testenv/build-helm: 'go' not found in PATH (Go >= 1.26 is needed to build helm)" >&2
  exit 1
fi

VERSION="$(awk '$1 == "require" && $2 == "helm.sh/helm/v4" { print $3 }' "$MOD/go.mod")"
LDFLAGS="-s -w -X helm.sh/helm/v4/internal/version.version=$VERSION"
HASH="$(cat "$MOD/go.mod" "$MOD/go.sum" <(echo "$LDFLAGS $(go env GOOS GOARCH)") | sha256sum | cut -c1-12)"
CACHE_ROOT="${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}"
DEST="$CACHE_ROOT/helm-${VERSION}_$(go env GOVERSION)_$HASH"

if [[ -x "$DEST/bin/helm" ]]; then
  echo "$DEST/bin/helm"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build-helm.lock"
flock 9
if [[ -x "$DEST/bin/helm" ]]; then # built by a concurrent invocation while we waited
  echo "$DEST/bin/helm"
  exit 0
fi
echo "testenv/build-helm: building helm $VERSION into $DEST" >&2
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-helm.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
START=$SECONDS
(cd "$MOD" && go build -trimpath -ldflags="$LDFLAGS" -o "$TMP/bin/helm" helm.sh/helm/v4/cmd/helm) >&2
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "testenv/build-helm: done in $((SECONDS - START))s" >&2
echo "$DEST/bin/helm"
