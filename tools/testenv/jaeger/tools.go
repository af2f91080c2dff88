//go:build tools

// Package tools pins the jaeger command built by scripts/testenv/build-go-tool.sh jaeger.
package tools

import (
	_ "github.com/jaegertracing/jaeger/cmd/jaeger"
)
