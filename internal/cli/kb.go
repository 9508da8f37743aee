package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

func newKBCmd(g *globalOptions) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "kb",
		Short: "Manage and query the knowledge base of answer articles",
		Long: `The knowledge base (--kb DIR) holds answer articles: id, title, body (a reply
template), lang (de|en), intents, questions (customer phrasings), tags, short
(≤ 280 characters, for social channels). Import from a folder of Markdown files
with YAML front matter, or a JSONL / CSV file with those fields.`,
		Args: noArgs,
	}
	cmd.PersistentFlags().StringVar(&dir, "kb", "kb", "knowledge base directory")
	ro := &remoteOptions{}
	addRemoteFlags(cmd.PersistentFlags(), ro)
	cmd.AddCommand(newKBImportCmd(g, &dir, ro), newKBAddCmd(g, &dir), newKBRemoveCmd(g, &dir), newKBSearchCmd(g, &dir), newKBListCmd(g, &dir, ro), newKBEvalCmd(g, &dir))
	return cmd
}

func kbOptions(g *globalOptions, readOnly bool) *kb.Options {
	return &kb.Options{Timeout: g.lockTimeout, ReadOnly: readOnly}
}

// validateArticle rejects articles whose templates do not parse or use
// unknown placeholders.
func validateArticle(a kb.Article) error {
	if _, err := reply.ParseTemplate(a.ID, a.Body); err != nil {
		return err
	}
	if a.Short != "" {
		if _, err := reply.ParseTemplate(a.ID+"#short", a.Short); err != nil {
			return fmt.Errorf("short: %w", err)
		}
	}
	return nil
}

func newKBImportCmd(g *globalOptions, dir *string, ro *remoteOptions) *cobra.Command {
	var allowEmpty bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Replace the knowledge base with the articles in PATHs (atomic)",
		Long: `Read articles from PATHs (folders of .md files, .jsonl or .csv files) and
replace the knowledge base with them. The new index is built beside the old one
and switched in at once: a reader never sees a half-built index. Bad articles
(missing id or lang, unknown placeholder, too long) are reported with file and
line and skipped; duplicate ids: the last one wins (reported). Exit status 3
when something was skipped. When nothing importable is found (an empty
folder, only bad articles) the import is refused and the knowledge base left
as it is, unless --allow-empty: then it is emptied.

While 'antwort serve' serves this knowledge base, the articles are sent to it
(the server imports them, records who did in the audit trail and answers with
the new content at once).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("kb import needs at least one PATH")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			all, skipped, err := g.readArticles(ctx, args)
			if err != nil {
				return err
			}
			if len(all) == 0 && !allowEmpty {
				return fmt.Errorf("kb import: no importable articles in %s (%d skipped); the knowledge base %s is unchanged (--allow-empty empties it)",
					strings.Join(args, ", "), skipped, *dir)
			}
			start := time.Now()
			sent, err := g.kbImportViaServer(ctx, *ro, *dir, all)
			if err != nil {
				return err
			}
			if !sent {
				if _, err := kb.Import(ctx, *dir, all, kbOptions(g, false)); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "imported %d articles into %s in %s\n", len(all), *dir, time.Since(start).Round(time.Millisecond))
			}
			if skipped > 0 {
				return &partialError{skipped: skipped}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&allowEmpty, "allow-empty", false, "import even when no article is importable: empty the knowledge base")
	return cmd
}

// readArticles reads the articles of all paths, reports bad ones and
// duplicate ids (the last one wins) on stderr, and returns the articles
// and how many were skipped.
func (g *globalOptions) readArticles(ctx context.Context, paths []string) ([]kb.Article, int, error) {
	var all []kb.Article
	skipped := 0
	for _, p := range paths {
		arts, probs, err := kb.ReadArticles(ctx, p, kb.ReadOptions{Validate: validateArticle})
		if err != nil {
			return nil, 0, err
		}
		for _, pr := range probs {
			fmt.Fprintf(g.io.ErrOut, "antwort: %v\n", pr)
		}
		skipped += len(probs)
		all = append(all, arts...)
	}
	all = dedupe(all, func(old, by kb.Article) {
		fmt.Fprintf(g.io.ErrOut, "antwort: %s: duplicate id %q: replaced by the article in %s\n", old.Source, old.ID, by.Source)
		skipped++
	})
	return all, skipped, nil
}

// dedupe keeps the last article per id, in first-seen order, and calls
// replaced (when not nil) for every article a later one replaces.
func dedupe(arts []kb.Article, replaced func(old, by kb.Article)) []kb.Article {
	last := map[string]int{}
	for i, a := range arts {
		last[a.ID] = i
	}
	var out []kb.Article
	for i, a := range arts {
		if last[a.ID] == i {
			out = append(out, a)
		} else if replaced != nil {
			replaced(a, arts[last[a.ID]])
		}
	}
	return out
}

func newKBListCmd(g *globalOptions, dir *string, ro *remoteOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the articles",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(format, "text", "json"); err != nil {
				return err
			}
			k, err := kb.Open(*dir, kbOptions(g, true))
			if err != nil {
				return err
			}
			defer k.Close()
			arts, err := k.List(cmd.Context())
			if err != nil {
				return err
			}
			fb, err := g.answerFeedback(cmd.Context(), *ro)
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(g.io.Out)
				enc.SetEscapeHTML(false)
				for _, a := range arts {
					if err := enc.Encode(fb.article(a)); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLANG\tINTENTS\tQUESTIONS\tUSED\tEDITED\tDECLINED\tWEIGHT\tTITLE")
			for _, a := range arts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", a.ID, a.Lang, strings.Join(a.Intents, ","), len(a.Questions), fb.columns(a.ID), a.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

func newKBSearchCmd(g *globalOptions, dir *string) *cobra.Command {
	var lang, format string
	var size int
	var useModel bool
	cmd := &cobra.Command{
		Use:   "search TEXT...",
		Short: "Search the knowledge base for a message",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("kb search needs the text to search for")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validFormat(format, "text", "json"); err != nil {
				return err
			}
			ctx := cmd.Context()
			k, err := kb.Open(*dir, kbOptions(g, true))
			if err != nil {
				return err
			}
			defer k.Close()
			q := kb.Query{Text: strings.Join(args, " "), Lang: lang, Size: size}
			if useModel {
				m, err := g.activeIntent(ctx)
				if err != nil {
					return err
				}
				q.Intents = distribution(m, q.Text)
			}
			hits, err := k.Search(ctx, q)
			if err != nil {
				return err
			}
			return printHits(g.io.Out, format, hits)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "de, en (default: detected from the text)")
	cmd.Flags().IntVar(&size, "size", 5, "number of hits")
	cmd.Flags().BoolVar(&useModel, "intents", false, "fuse with the active intent model of --db")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

func printHits(w io.Writer, format string, hits []kb.Hit) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, h := range hits {
			if err := enc.Encode(map[string]any{"id": h.Article.ID, "title": h.Article.Title, "lang": h.Article.Lang,
				"score": h.Score, "text_score": h.TextScore, "intent_score": h.IntentScore, "reasons": h.Reasons}); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tID\tLANG\tTITLE\tWHY")
	for _, h := range hits {
		fmt.Fprintf(tw, "%.2f\t%s\t%s\t%s\t%s\n", h.Score, h.Article.ID, h.Article.Lang, h.Article.Title, strings.Join(h.Reasons, "; "))
	}
	return tw.Flush()
}

func (g *globalOptions) activeIntent(ctx context.Context) (*classifier.Model, error) {
	s, err := g.openStore(true)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	_, blob, err := s.Load(ctx, antwort.IntentModel, 0)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, fmt.Errorf("%w in %s", antwort.ErrNoModel, g.db)
		}
		return nil, err
	}
	return classifier.UnmarshalModel(blob)
}

func distribution(m *classifier.Model, text string) map[string]float64 {
	p := m.Probabilities(text)
	out := make(map[string]float64, len(p))
	for i, l := range m.Labels() {
		out[l] = p[i]
	}
	return out
}

func newKBEvalCmd(g *globalOptions, dir *string) *cobra.Command {
	var data dataOptions
	var split, format string
	var useDB bool
	cmd := &cobra.Command{
		Use:   "eval --data FILE [--split S] [--intents]",
		Short: "Measure answer retrieval on labelled queries",
		Long: `Search the knowledge base for each labelled query (text, label = intent) and
report one JSON object: hit_at_1, hit_at_3 and mrr (a hit counts when the
article is linked to the query's intent), queries_per_second and p99_ms. With
--intents the active intent model of --db is fused exactly as 'reply' does;
without, text matching alone is measured.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if len(data.paths) == 0 {
				return flagErrorf("kb eval needs --data")
			}
			if err := validFormat(format, "json", "text"); err != nil {
				return err
			}
			ls, skipped, err := g.readLabeled(ctx, data, "intent")
			if err != nil {
				return err
			}
			k, err := kb.Open(*dir, kbOptions(g, true))
			if err != nil {
				return err
			}
			defer k.Close()
			var m *classifier.Model
			if useDB || cmd.Flags().Changed("db") {
				if m, err = g.activeIntent(ctx); err != nil {
					return err
				}
			}
			var n, h1, h3 int
			var rr float64
			var lat []time.Duration
			start := time.Now()
			for _, l := range ls {
				if split != "" && l.Split != split {
					continue
				}
				q := kb.Query{Text: l.Text, Size: 10}
				if m != nil {
					q.Intents = distribution(m, l.Text)
				}
				t0 := time.Now()
				hits, err := k.Search(ctx, q)
				if err != nil {
					return err
				}
				lat = append(lat, time.Since(t0))
				n++
				for i, h := range hits {
					if slices.Contains(h.Article.Intents, l.Label) {
						if i == 0 {
							h1++
						}
						if i < 3 {
							h3++
						}
						rr += 1 / float64(i+1)
						break
					}
				}
			}
			if n == 0 {
				return fmt.Errorf("no queries (split %q)", split)
			}
			el := time.Since(start)
			slices.Sort(lat)
			res := map[string]any{
				"hit_at_1": float64(h1) / float64(n), "hit_at_3": float64(h3) / float64(n), "mrr": rr / float64(n),
				"queries": n, "queries_per_second": float64(n) / el.Seconds(),
				"p99_ms": float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds()) / 1000, "intents_fused": m != nil, "skipped": skipped,
			}
			if format == "json" {
				if err := json.NewEncoder(g.io.Out).Encode(res); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(g.io.Out, "%d queries: hit@1 %.3f, hit@3 %.3f, MRR %.3f, %.0f queries/s, p99 %.2f ms\n",
					n, res["hit_at_1"], res["hit_at_3"], res["mrr"], res["queries_per_second"], res["p99_ms"])
			}
			if skipped > 0 {
				return &partialError{skipped: skipped}
			}
			return nil
		},
	}
	addDataFlags(cmd, &data)
	cmd.Flags().StringVar(&split, "split", "", "use only queries whose split field has this value")
	cmd.Flags().BoolVar(&useDB, "intents", false, "fuse the active intent model of --db (implied by --db)")
	cmd.Flags().StringVar(&format, "format", "json", "output: json or text")
	return cmd
}
