package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// newHealthcheckCmd is 'antwort healthcheck': a probe for container
// engines and scripts on machines without curl (the container image has
// nothing but antwort).
func newHealthcheckCmd(g *globalOptions) *cobra.Command {
	var (
		url     string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Exit 0 when a running server or worker answers /healthz with 200, 1 otherwise",
		Long: `GET --url (default: the server's /healthz on 127.0.0.1:8080; a worker's is on
its --listen address) and exit 0 when it answers 200 within --timeout, 1
otherwise, with the reason on stderr. The container image's HEALTHCHECK runs it.`,
		Example: `  antwort healthcheck
  ANTWORT_HEALTHCHECK_URL=http://127.0.0.1:9464/healthz antwort healthcheck`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return flagErrorf("--url %q: %v", url, err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("health check: %w", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("health check: %s answered %d: %s", url, resp.StatusCode, body)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "http://127.0.0.1:8080/healthz", "health endpoint to ask")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}
