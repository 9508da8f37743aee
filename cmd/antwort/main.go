// Command antwort classifies customer mail, suggests answers from a
// knowledge base and keeps its models in a versioned store. See README.md
// or run "antwort --help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/antwort-dev/antwort/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stop()
	os.Exit(code)
}
