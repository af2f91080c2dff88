#!/usr/bin/env bash
# Builds Ory Hydra (the OpenID Connect provider of the single sign-on tests) from
# the Go module pinned in tools/testenv/hydra/, and caches it under
#
#   ${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}/<versions-key>/bin/hydra
#
# like build.sh does for the control plane. The key holds the Hydra and Go
# versions and a hash of go.mod/go.sum and the build flags. Hydra keeps its state in
# SQLite (the tests use DSN=memory), which needs cgo and a C compiler.
#
# Usage: scripts/testenv/build-hydra.sh                  build if needed, print the bin dir last
#        scripts/testenv/build-hydra.sh --print-bin-dir  only print the bin dir
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOD="$ROOT/tools/testenv/hydra"

if ! command -v go >/dev/null 2>&1; then
  echo "testenv/build-hydra: 'go' not found in PATH (Go >= 1.26 builds Hydra for the SSO tests)" >&2
  exit 1
fi

export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=1
export GOFLAGS="-mod=readonly -buildvcs=false"

HYDRA_VERSION="$(awk '$1 == "require" && $2 == "github.com/ory/hydra/v2" { print $3; exit }' "$MOD/go.mod")"
if [[ -z "$HYDRA_VERSION" ]]; then
  echo "testenv/build-hydra: cannot read the pinned Hydra version from tools/testenv/hydra/go.mod" >&2
  exit 1
fi
GO_VERSION="$(go env GOVERSION)"
TAGS="sqlite,sqlite_omit_load_extension"
LDFLAGS="-s -w -X github.com/ory/hydra/v2/driver/config.Version=$HYDRA_VERSION"
HASH="$(cat "$MOD/go.mod" "$MOD/go.sum" <(echo "$TAGS $LDFLAGS $(go env GOOS GOARCH)") | sha256sum | cut -c1-12)"
KEY="hydra-${HYDRA_VERSION}_${GO_VERSION}_${HASH}"
CACHE_ROOT="${CYCLONE_TESTENV_CACHE:-$HOME/.cache/cyclone-testenv}"
DEST="$CACHE_ROOT/$KEY"
BIN="$DEST/bin"

if [[ "${1:-}" == "--print-bin-dir" ]]; then
  echo "$BIN"
  exit 0
fi

have_it() { [[ -f "$DEST/.complete" && -x "$BIN/hydra" ]]; }

if have_it; then
  echo "testenv/build-hydra: cached ($KEY)" >&2
  echo "$BIN"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.build-hydra.lock"
if ! flock -n 9; then
  echo "testenv/build-hydra: another build is running; waiting for $CACHE_ROOT/.build-hydra.lock" >&2
  flock 9
fi
if have_it; then # built by a concurrent invocation while we waited
  echo "testenv/build-hydra: cached ($KEY)" >&2
  echo "$BIN"
  exit 0
fi

echo "testenv/build-hydra: building hydra $HYDRA_VERSION ($GO_VERSION) into $BIN; a cold build takes minutes" >&2
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-$KEY.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
START=$SECONDS
(cd "$MOD" && go build -trimpath -tags "$TAGS" -ldflags="$LDFLAGS" -o "$TMP/bin/hydra" github.com/ory/hydra/v2) >&2
echo "hydra $HYDRA_VERSION" >"$TMP/versions.txt"
echo "go $GO_VERSION" >>"$TMP/versions.txt"
chmod 755 "$TMP"
touch "$TMP/.complete"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "testenv/build-hydra: built hydra in $((SECONDS - START))s -> $BIN" >&2
echo "$BIN"
