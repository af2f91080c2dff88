//go:build tools

// Package tools pins the hydra command built by scripts/testenv/build-go-tool.sh hydra.
package tools

import (
	_ "github.com/ory/hydra/v2"
)
