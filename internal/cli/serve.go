package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/server"
)

type serveOptions struct {
	g               *globalOptions
	addr            string
	kbDir           string
	tokenFile       string
	noAuth          bool
	publicMetrics   bool
	policy          string
	own             []string
	redact          bool
	redactNumbers   []string
	remember        int
	retrainEvery    time.Duration
	maxBody         int64
	readTimeout     time.Duration
	writeTimeout    time.Duration
	shutdownTimeout time.Duration
	threshold       float64
	explain         int
	maxInFlight     int
}

func newServeCmd(g *globalOptions) *cobra.Command {
	o := &serveOptions{g: g}
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--kb DIR] [--token-file FILE]",
		Short: "Serve the HTTP API: classify, suggest, feedback, model management",
		Long: `Serve antwort's HTTP API on --addr with the active models of --db and the
knowledge base --kb. The server owns the store and the knowledge base while it
runs: 'antwort models activate|rollback|rm|diff|list|audit', 'antwort kb import'
and 'antwort retrain' find it through the file <db>.server (its URL and an admin
token for local commands, readable only by you) and send their change to it;
the change takes effect for new requests at once, requests in flight finish on
the old models. 'antwort kb add|rm' and imports by other means are noticed
within a second. SIGHUP reloads models and knowledge base.

Every endpoint except /healthz (and /metrics with --public-metrics) needs
'Authorization: Bearer <token>'. The token file has one token per line:
"TOKEN [NAME] [ROLE]", ROLE client (default) or admin (needed for model
changes, imports, retraining). Without --token-file only local antwort
commands can call the server.

Answered messages and feedback are stored with e-mail addresses, phone
numbers, IBANs, card numbers, password and PIN values and --redact-numbers
replaced by placeholders (--redact=false keeps texts as written).

Logs: --log-format json writes one JSON object per line on stderr.

SIGINT/SIGTERM stop accepting connections, let requests in flight finish
(--shutdown-timeout) and exit 0.`,
		Example: `  antwort serve --db antwort.db --kb ./kb --addr 127.0.0.1:8080 --token-file tokens.txt
  curl -H "Authorization: Bearer $TOKEN" -d '{"text":"Wo bleibt mein Paket?"}' localhost:8080/v1/suggest`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address (port 0: any free port)")
	f.StringVar(&o.kbDir, "kb", "kb", "knowledge base directory (\"\": none, classification only)")
	f.StringVar(&o.tokenFile, "token-file", "", "bearer tokens, one per line: TOKEN [NAME] [client|admin]")
	f.BoolVar(&o.noAuth, "no-auth", false, "accept requests without a token (only behind something that authenticates)")
	f.BoolVar(&o.publicMetrics, "public-metrics", false, "serve /metrics without a token")
	f.StringVar(&o.policy, "policy", "", "reply policy file (YAML); default: built-in policy")
	f.StringArrayVar(&o.own, "own", nil, "an address or domain of our own, never answered (repeatable; adds to the policy's own_addresses)")
	f.BoolVar(&o.redact, "redact", true, "redact personal data before storing answered messages and feedback")
	f.StringSliceVar(&o.redactNumbers, "redact-numbers", antwort.DefaultRedactNumbers(), "reference numbers to redact too: order, customer, contract, ticket (\"\" for none)")
	f.IntVar(&o.remember, "remember", server.DefaultRemember, "answered messages kept for feedback (0: none; feedback must then carry the text)")
	f.DurationVar(&o.retrainEvery, "retrain-every", 0, "retrain models with new feedback at this interval, promoting only a candidate that is not worse (0: never)")
	f.Int64Var(&o.maxBody, "max-body", server.DefaultMaxBody, "request body limit in bytes")
	f.IntVar(&o.maxInFlight, "max-in-flight", server.DefaultMaxInFlight(), "classify/suggest/feedback requests worked on at once; others queue in arrival order (-1: no limit)")
	f.DurationVar(&o.readTimeout, "read-timeout", server.DefaultReadTimeout, "time to read a request")
	f.DurationVar(&o.writeTimeout, "write-timeout", server.DefaultWriteTimeout, "time to answer a request")
	f.DurationVar(&o.shutdownTimeout, "shutdown-timeout", server.DefaultShutdownTimeout, "time in-flight requests get at shutdown")
	f.Float64Var(&o.threshold, "threshold", 0, "abstain when the intent confidence is below this (0: the model's own)")
	f.IntVar(&o.explain, "explain", 0, "features explaining each label in answers when the request does not ask (\"explain\": N); 0: none, cheaper")
	return cmd
}

func runServe(ctx context.Context, o *serveOptions) error {
	g := o.g
	if o.threshold < 0 || o.threshold > 1 {
		return flagErrorf("--threshold %v: must lie in [0,1]", o.threshold)
	}
	numbers := []string{}
	for _, n := range o.redactNumbers {
		if n = strings.TrimSpace(n); n != "" {
			numbers = append(numbers, n)
		}
	}
	red, err := antwort.NewRedactor(antwort.RedactOptions{Off: !o.redact, Numbers: numbers})
	if err != nil {
		return flagErrorf("--redact-numbers: %v", err)
	}
	var tokens *server.Tokens
	if o.tokenFile != "" {
		if tokens, err = server.ReadTokens(o.tokenFile); err != nil {
			return err
		}
	} else {
		tokens = &server.Tokens{}
	}
	pol := reply.DefaultPolicy()
	if o.policy != "" {
		if pol, err = reply.LoadPolicy(o.policy); err != nil {
			return err
		}
	}
	if err := pol.AddOwn(o.own...); err != nil {
		return flagErrorf("--own: %v", err)
	}

	store, err := g.openStore(false)
	if err != nil {
		if errors.Is(err, models.ErrLocked) {
			if f, ok, _ := readServerFile(g.db); ok {
				return fmt.Errorf("%w; an antwort server (pid %d, %s) serves it already", err, f.PID, f.URL)
			}
		}
		return err
	}
	defer store.Close()
	stats, err := antwort.LoadAnswerStats(ctx, store)
	if err != nil {
		return err
	}
	// The per-sender rate limit counts in the store, so it holds across
	// restarts.
	limiter := reply.NewStoredLimiter(store, pol.RateLimit.Per)
	live, err := antwort.NewLive(ctx, store, antwort.LiveOptions{
		KBDir: o.kbDir, KBTimeout: g.lockTimeout, Logger: g.logger,
		Load:  antwort.LoadOptions{Threshold: o.threshold},
		Reply: antwort.ReplyConfig{Policy: &pol, Learned: stats, Limiter: limiter},
	})
	if errors.Is(err, kb.ErrNotFound) {
		return fmt.Errorf("%w (import one with 'antwort kb import --kb %s PATH', or serve without: --kb \"\")", err, o.kbDir)
	}
	if err != nil {
		return err
	}
	defer live.Close()

	local, err := server.NewSecret()
	if err != nil {
		return err
	}
	if err := tokens.Add(local, "local-cli", server.RoleAdmin); err != nil {
		return err
	}
	remember := o.remember
	if remember == 0 {
		remember = -1
	}
	srv, err := server.New(live, server.Options{
		Tokens: tokens, NoAuth: o.noAuth, PublicMetrics: o.publicMetrics, Store: store, KBDir: o.kbDir,
		Redactor: red, Answers: stats, Remember: remember, MaxBody: o.maxBody, Explain: o.explain, MaxInFlight: o.maxInFlight,
		ReadTimeout: o.readTimeout, WriteTimeout: o.writeTimeout, ShutdownTimeout: o.shutdownTimeout,
		Retrain: antwort.RetrainOptions{CodeVersion: Version}, RetrainEvery: o.retrainEvery,
		Version: Version, Logger: g.logger,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	absDB, _ := filepath.Abs(g.db)
	absKB := ""
	if o.kbDir != "" {
		absKB, _ = filepath.Abs(o.kbDir)
	}
	announce := serverFilePath(g.db)
	if err := writeServerFile(announce, serverFile{URL: url, Token: local, PID: os.Getpid(), DB: absDB, KB: absKB, Started: time.Now().UTC()}); err != nil {
		ln.Close()
		return err
	}
	defer removeServerFile(announce, local)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if err := srv.Reload(context.Background()); err != nil {
				g.logger.Error("reload on SIGHUP", slog.String("err", err.Error()))
			}
		}
	}()

	st, _ := live.State()
	if o.tokenFile == "" && !o.noAuth {
		g.say("no --token-file: only local antwort commands can call the API")
	}
	g.say("serving %s on %s (%s; knowledge base %s, %d articles)",
		g.db, url, strings.Join(st.Versions, ", "), orDash(o.kbDir), st.Articles)
	_ = json.NewEncoder(g.io.Out).Encode(map[string]any{"event": "listening", "url": url, "pid": os.Getpid(), "db": absDB, "kb": absKB, "engine": st})

	err = srv.Serve(ctx, ln)
	g.say("server stopped")
	return err
}

// removeServerFile removes the announcement if it is still ours.
func removeServerFile(path, token string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var f serverFile
	if json.Unmarshal(data, &f) == nil && f.Token == token {
		os.Remove(path)
	}
}
