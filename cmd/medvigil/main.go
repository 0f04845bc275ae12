// Command medvigil is the medvigil CLI, server and web UI in one binary.
// All of it lives in internal/cli; this file only hands over the process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"medvigil/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
