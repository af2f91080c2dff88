//go:build tools

// Package tools pins the versitygw command for `go build` (scripts/testenv/build-go-tool.sh).
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
