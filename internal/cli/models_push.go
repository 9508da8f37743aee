package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/internal/natsq"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

type modelsPushOptions struct {
	g      *globalOptions
	format *string
	nats   natsFlags
	kbDir  string
	noKB   bool
	wait   time.Duration
}

func newModelsPushCmd(g *globalOptions, format *string) *cobra.Command {
	o := &modelsPushOptions{g: g, format: format}
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Distribute the active models and the knowledge base to all NATS workers",
		Long: `Put the active model versions of --db (intent, and sentiment if there is
one) and an export of the knowledge base --kb into the NATS object store
antwort_models, then the manifest naming them. Every 'antwort worker'
loads the push completely and switches to it without stopping; each
decision records the push and the model versions. Objects of older pushes
are removed (the previous push is kept).

Then it waits up to --wait for the live workers to switch and reports each
(exit 1 if one refused the push, as a worker of an older antwort does with
models from a newer one, or did not switch in time; a worker that stopped
reporting is listed as silent and does not count; --wait 0 does not
wait).`,
		Example: `  antwort models push --nats nats://127.0.0.1:4222 --db antwort.db --kb ./kb`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return runModelsPush(cmd.Context(), o) },
	}
	f := cmd.Flags()
	o.nats.register(f)
	f.StringVar(&o.kbDir, "kb", "kb", "knowledge base directory to distribute")
	f.BoolVar(&o.noKB, "no-kb", false, "push the models only; workers keep their knowledge base")
	f.DurationVar(&o.wait, "wait", 30*time.Second, "wait this long for the live workers to switch (0: do not wait)")
	return cmd
}

// pushReport is what models push prints with --format json.
type pushReport struct {
	Push     string              `json:"push"`
	Versions []string            `json:"versions"`
	Articles int                 `json:"kb_articles"`
	Models   []natsq.PushedModel `json:"models"`
	Workers  []pushedWorker      `json:"workers"`
	Seconds  float64             `json:"seconds"`
}

type pushedWorker struct {
	Name   string `json:"name"`
	State  string `json:"state"` // switched, refused, pending, silent (stopped reporting: gone)
	Reason string `json:"reason,omitempty"`
}

func runModelsPush(ctx context.Context, o *modelsPushOptions) error {
	g := o.g
	if *o.format != "text" && *o.format != "json" {
		return flagErrorf("--format %q: want text or json", *o.format)
	}
	if o.wait < 0 {
		return flagErrorf("--wait %s: must not be negative", o.wait)
	}
	store, err := g.openStore(true)
	if err != nil {
		return err
	}
	in := natsq.PushInput{Code: Version}
	host, _ := os.Hostname()
	abs, _ := filepath.Abs(store.Path())
	in.Origin = host + ":" + abs
	for _, name := range []string{antwort.IntentModel, antwort.SentimentModel} {
		info, blob, err := store.Load(ctx, name, 0)
		if errors.Is(err, models.ErrNotFound) && name == antwort.SentimentModel {
			continue // the workers use the built-in lexicon
		}
		if err != nil {
			store.Close()
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("%w: no active %s model in %s to push", antwort.ErrNoModel, name, g.db)
			}
			return err
		}
		in.Models = append(in.Models, natsq.ModelBlob{Info: info, Blob: blob})
	}
	store.Close()
	if !o.noKB {
		k, err := kb.Open(o.kbDir, &kb.Options{ReadOnly: true, Timeout: g.lockTimeout})
		if err != nil {
			return fmt.Errorf("--kb: %w (or push the models alone with --no-kb)", err)
		}
		in.Articles, err = k.List(ctx)
		k.Close()
		if err != nil {
			return err
		}
		if in.Articles == nil {
			in.Articles = []kb.Article{}
		}
	}
	c, err := o.nats.connect(ctx, g, "antwort models push")
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	m, err := natsq.Push(ctx, c.JS, in)
	if err != nil {
		return err
	}
	rep := pushReport{Push: m.ID, Versions: m.Versions(), Models: m.Models}
	if m.KB != nil {
		rep.Articles = m.KB.Articles
	}
	kbText := "no knowledge base"
	if m.KB != nil {
		kbText = fmt.Sprintf("knowledge base of %d articles", m.KB.Articles)
	}
	fmt.Fprintf(g.io.ErrOut, "antwort: pushed %s: %s, %s\n", m.ID, strings.Join(rep.Versions, ", "), kbText)

	var problem error
	if o.wait > 0 {
		rep.Workers, problem = waitForWorkers(ctx, c, m.ID, o.wait)
		switched := 0
		for _, w := range rep.Workers {
			if w.State == "switched" {
				switched++
			}
		}
		fmt.Fprintf(g.io.ErrOut, "antwort: %d of %d live workers switched in %s\n", switched, len(rep.Workers), time.Since(start).Round(time.Millisecond))
		for _, w := range rep.Workers {
			if w.State != "switched" {
				fmt.Fprintf(g.io.ErrOut, "antwort:   %s %s %s\n", w.Name, w.State, w.Reason)
			}
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	if *o.format == "json" {
		if err := json.NewEncoder(g.io.Out).Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(g.io.Out, "push %s\n", rep.Push)
		for _, pm := range m.Models {
			fmt.Fprintf(g.io.Out, "  %s@%d  %d bytes\n", pm.Name, pm.Version, pm.Size)
		}
		fmt.Fprintf(g.io.Out, "  %s\n", kbText)
		for _, w := range rep.Workers {
			fmt.Fprintf(g.io.Out, "  worker %-24s %s %s\n", w.Name, w.State, w.Reason)
		}
	}
	return problem
}

// waitForWorkers polls the worker registry until every live worker has
// switched to push id or refused it, or until wait has passed.
func waitForWorkers(ctx context.Context, c *natsq.Conn, id string, wait time.Duration) ([]pushedWorker, error) {
	deadline := time.Now().Add(wait)
	for {
		ws, err := natsq.Workers(ctx, c.JS)
		if err != nil {
			return nil, err
		}
		var out []pushedWorker
		pending, refused := 0, 0
		for _, w := range ws {
			pw := pushedWorker{Name: w.Name, State: "pending"}
			switch {
			case w.Models != nil && w.Models.Push == id:
				pw.State = "switched"
			case w.Refused != nil && w.Refused.Push == id:
				pw.State, pw.Reason = "refused", w.Refused.Reason
				refused++
			case time.Since(w.Updated) > 3*natsq.HeartbeatEvery/2:
				// Every live worker reports every HeartbeatEvery; this
				// one stopped (or lost NATS) and will drop off the list.
				pw.State, pw.Reason = "silent", "no report since "+w.Updated.Format(time.RFC3339)
			default:
				pending++
			}
			out = append(out, pw)
		}
		if pending == 0 || time.Now().After(deadline) {
			switch {
			case refused > 0:
				return out, fmt.Errorf("%d worker(s) refused push %s (see above)", refused, id)
			case pending > 0:
				return out, fmt.Errorf("%d worker(s) did not switch to push %s within %s", pending, id, wait)
			}
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
