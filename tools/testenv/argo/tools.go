//go:build tools

// Pins Argo Workflows' workflow-controller for the comparison benchmark in bench/k8s
// (scripts/testenv/build-go-tool.sh argo). Nothing imports it.
package tools

import _ "github.com/argoproj/argo-workflows/v4/cmd/workflow-controller"
