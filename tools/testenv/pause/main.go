// Command pause is the sandbox ("pause") container of the test node's pods: it
// holds the pod's namespaces and exits on SIGTERM or SIGINT. Static, so its image
// is FROM scratch and needs no registry.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
