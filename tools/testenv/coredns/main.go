// CoreDNS with only the plugins the real test node's cluster DNS needs
// (scripts/testenv/cluster-dns.mjs): the kubernetes plugin answers for Services and
// pods from the test apiserver; nothing is forwarded anywhere.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	// The plugin chain's order, as in CoreDNS's plugin.cfg.
	dnsserver.Directives = []string{"errors", "health", "ready", "kubernetes"}
}

func main() {
	coremain.Run()
}
