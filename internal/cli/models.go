package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/server"
)

func newModelsCmd(g *globalOptions) *cobra.Command {
	var format string
	var ro remoteOptions
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, activate, roll back, delete and compare stored model versions",
		Long: `Manage the versioned models in the store (--db). Every training run adds a
version; one version per model name is active and used by classify.

While 'antwort serve' runs on the store, these commands send their request to
it (found through <db>.server, or --server URL with --token-file); a change
takes effect in the running server at once. Every change is recorded in the
audit trail ('antwort models audit').`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runModelsList(cmd.Context(), g, format, ro) },
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List all model versions (the active one is marked)",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runModelsList(cmd.Context(), g, format, ro) },
	}
	cmd.PersistentFlags().StringVar(&format, "format", "text", "output: text or json")
	addRemoteFlags(cmd.PersistentFlags(), &ro)
	activate := &cobra.Command{
		Use:   "activate NAME VERSION",
		Short: "Make a version the active one",
		Args:  exactArgs(2, "NAME and VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.viaServer(ctx, ro, func(r *remote) error {
				var ch server.ChangeResponse
				if err := r.call(ctx, http.MethodPost, "/v1/models/"+url.PathEscape(args[0])+"/activate", server.ActivateRequest{Version: v}, &ch); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d is active (was %d); %s now uses %s\n", args[0], ch.Version, ch.Previous, r, strings.Join(ch.Engine.Versions, ", "))
				return nil
			}, func(s *models.Store) error {
				if err := s.Activate(localActor(ctx), args[0], v); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d is active\n", args[0], v)
				return nil
			})
		},
	}
	rollback := &cobra.Command{
		Use:   "rollback NAME",
		Short: "Re-activate the previously active version",
		Args:  exactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return g.viaServer(ctx, ro, func(r *remote) error {
				var ch server.ChangeResponse
				if err := r.call(ctx, http.MethodPost, "/v1/models/"+url.PathEscape(args[0])+"/rollback", nil, &ch); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s rolled back to version %d; %s now uses %s\n", args[0], ch.Version, r, strings.Join(ch.Engine.Versions, ", "))
				return nil
			}, func(s *models.Store) error {
				info, err := s.Rollback(localActor(ctx), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s rolled back to version %d\n", args[0], info.Version)
				return nil
			})
		},
	}
	rm := &cobra.Command{
		Use:     "rm NAME VERSION",
		Aliases: []string{"delete"},
		Short:   "Delete a version (not the active one)",
		Args:    exactArgs(2, "NAME and VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return g.viaServer(ctx, ro, func(r *remote) error {
				if err := r.call(ctx, http.MethodDelete, "/v1/models/"+url.PathEscape(args[0])+"/"+strconv.Itoa(v), nil, nil); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d deleted\n", args[0], v)
				return nil
			}, func(s *models.Store) error {
				if err := s.Delete(localActor(ctx), args[0], v); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d deleted\n", args[0], v)
				return nil
			})
		},
	}
	cmd.AddCommand(list, activate, rollback, rm, newModelsDiffCmd(g, &format, &ro), newModelsAuditCmd(g, &format, &ro))
	cmd.AddCommand(newModelsPushCmd(g, &format))
	return cmd
}

func parseVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, flagErrorf("version %q: want a positive number", s)
	}
	return v, nil
}

func runModelsList(ctx context.Context, g *globalOptions, format string, ro remoteOptions) error {
	if err := validFormat(format, "text", "json"); err != nil {
		return err
	}
	var infos []models.Info
	where := g.db
	err := g.readOnlyViaServer(ctx, ro, func(r *remote) error {
		var resp server.ModelsResponse
		if err := r.call(ctx, http.MethodGet, "/v1/models", nil, &resp); err != nil {
			return err
		}
		infos, where = resp.Models, r.String()
		return nil
	}, func(s *models.Store) error {
		var err error
		infos, err = s.List(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(g.io.Out)
		for _, in := range infos {
			in.Options = nil
			if err := enc.Encode(in); err != nil {
				return err
			}
		}
		return nil
	}
	if len(infos) == 0 {
		fmt.Fprintf(g.io.ErrOut, "no models in %s\n", where)
		return nil
	}
	tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tACTIVE\tCREATED\tKIND\tEXAMPLES\tLABELS\tHELD-OUT ACC\tBYTES\tNOTE")
	for _, in := range infos {
		act := ""
		if in.Active {
			act = "*"
		}
		acc := "-"
		if v, ok := in.Metrics["heldout_accuracy"]; ok {
			acc = fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n", in.Name, in.Version, act,
			in.Created.Local().Format("2006-01-02 15:04"), in.Kind, in.Examples, len(in.Labels), acc, in.Size, in.Note)
	}
	return tw.Flush()
}

func newModelsDiffCmd(g *globalOptions, format *string, ro *remoteOptions) *cobra.Command {
	var kbDir, policy string
	var messages int
	cmd := &cobra.Command{
		Use:   "diff NAME A B",
		Short: "Compare two versions: accuracy, per-label changes, decisions that would change",
		Long: `Compare versions A and B of model NAME:

  - accuracy and macro-F1 of both on the held-out labelled data the store has
    (every fifth row of both versions' training data and of the feedback, as
    'antwort retrain' holds out; a version that trained on those rows is
    named, its figures are optimistic);
  - per label: support, precision, recall and F1 under A and under B; labels
    only one of them knows;
  - on the most recent messages antwort answered (--messages): how many get
    another label, which changes are most frequent, and (with a knowledge
    base, --kb) how many policy decisions (send / suggest / escalate /
    ignore) would change.

With a running 'antwort serve' the server computes it with its knowledge base
and policy.`,
		Example: `  antwort models diff intent 3 4
  antwort models diff intent 3 4 --format json`,
		Args: exactArgs(3, "NAME, A and B"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(*format, "text", "json"); err != nil {
				return err
			}
			a, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			b, err := parseVersion(args[2])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			var d *antwort.ModelDiff
			err = g.readOnlyViaServer(ctx, *ro, func(r *remote) error {
				d = &antwort.ModelDiff{}
				q := fmt.Sprintf("/v1/models/%s/diff?a=%d&b=%d&messages=%d", url.PathEscape(args[0]), a, b, messages)
				return r.call(ctx, http.MethodGet, q, nil, d)
			}, func(s *models.Store) error {
				o := antwort.DiffOptions{Messages: messages, Workers: 2}
				if kbDir != "" {
					k, err := kb.Open(kbDir, kbOptions(g, true))
					if err != nil && !errors.Is(err, kb.ErrNotFound) {
						return err
					}
					if k != nil {
						defer k.Close()
						o.KB = k
					}
				}
				if policy != "" {
					p, err := reply.LoadPolicy(policy)
					if err != nil {
						return err
					}
					o.Policy = &p
				}
				var err error
				d, err = antwort.DiffModels(ctx, s, args[0], a, b, o)
				return err
			})
			if err != nil {
				return err
			}
			return printDiff(g.io.Out, *format, d)
		},
	}
	cmd.Flags().StringVar(&kbDir, "kb", "kb", "knowledge base for comparing decisions (skipped when missing; ignored with a server)")
	cmd.Flags().StringVar(&policy, "policy", "", "reply policy file (default: built-in; ignored with a server)")
	cmd.Flags().IntVar(&messages, "messages", 500, "recent messages to compare")
	return cmd
}

func printDiff(w io.Writer, format string, d *antwort.ModelDiff) error {
	if format == "json" {
		return writeJSON(w, d)
	}
	fmt.Fprintf(w, "%s %d → %d\n", d.Name, d.A, d.B)
	if d.N == 0 {
		fmt.Fprintf(w, "  no held-out labelled rows to score: %s\n", d.NoHeldOut)
	} else {
		fmt.Fprintf(w, "  held-out rows: %d   accuracy %.3f → %.3f (%+.3f)   macro-F1 %.3f → %.3f (%+.3f)\n",
			d.N, d.AccuracyA, d.AccuracyB, d.AccuracyB-d.AccuracyA, d.MacroF1A, d.MacroF1B, d.MacroF1B-d.MacroF1A)
		if len(d.SawHeldOut) > 0 {
			fmt.Fprintf(w, "  (trained on these rows, so optimistic: %s)\n", strings.Join(d.SawHeldOut, ", "))
		}
	}
	if len(d.Added) > 0 {
		fmt.Fprintf(w, "  labels only in %d: %s\n", d.B, strings.Join(d.Added, ", "))
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(w, "  labels only in %d: %s\n", d.A, strings.Join(d.Removed, ", "))
	}
	if len(d.Labels) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "  LABEL\tSUPPORT\tPREC A\tPREC B\tRECALL A\tRECALL B\tF1 A\tF1 B\tΔF1\t")
		for _, l := range d.Labels {
			fmt.Fprintf(tw, "  %s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%+.2f\t\n", l.Label, l.Support,
				l.PrecisionA, l.PrecisionB, l.RecallA, l.RecallB, l.F1A, l.F1B, l.F1B-l.F1A)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "  recent messages: %d, label changed for %d", d.Messages, d.Changed)
	if d.Decisions > 0 {
		fmt.Fprintf(w, ", decision changed for %d of %d", d.DecisionsChanged, d.Decisions)
	}
	fmt.Fprintln(w)
	for i, t := range d.Transitions {
		if i == 10 {
			break
		}
		fmt.Fprintf(w, "    %4d  %s → %s\n", t.N, orDash(t.From), orDash(t.To))
	}
	for _, t := range d.DecisionTransitions {
		fmt.Fprintf(w, "    %4d  decision %s → %s\n", t.N, t.From, t.To)
	}
	return nil
}

func newModelsAuditCmd(g *globalOptions, format *string, ro *remoteOptions) *cobra.Command {
	var last int
	cmd := &cobra.Command{
		Use:   "audit [NAME]",
		Short: "Show the audit trail: who saved, activated, rolled back, deleted, retrained, imported — and when",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return flagErrorf("models audit takes at most one NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(*format, "text", "json"); err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			ctx := cmd.Context()
			var entries []models.AuditEntry
			err := g.readOnlyViaServer(ctx, *ro, func(r *remote) error {
				var resp struct {
					Entries []models.AuditEntry `json:"entries"`
				}
				q := fmt.Sprintf("/v1/audit?name=%s&last=%d", url.QueryEscape(name), last)
				if err := r.call(ctx, http.MethodGet, q, nil, &resp); err != nil {
					return err
				}
				entries = resp.Entries
				return nil
			}, func(s *models.Store) error {
				var err error
				entries, err = s.AuditLog(ctx, models.AuditQuery{Name: name, Last: last})
				return err
			})
			if err != nil {
				return err
			}
			if *format == "json" {
				enc := json.NewEncoder(g.io.Out)
				enc.SetEscapeHTML(false)
				for _, e := range entries {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tMODEL\tVERSION\tPREVIOUS\tNOTE")
			for _, e := range entries {
				ver, prev := "-", "-"
				if e.Version > 0 {
					ver = strconv.Itoa(e.Version)
				}
				if e.Previous > 0 {
					prev = strconv.Itoa(e.Previous)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Action,
					orDash(e.Name), ver, prev, e.Note)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&last, "last", 50, "show the last N entries (0: all)")
	return cmd
}
