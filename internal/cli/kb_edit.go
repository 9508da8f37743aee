package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/kb"
)

// kb add and kb rm change a few articles. Both rebuild the index with
// kb.Import (read the current articles, change them, build beside, switch),
// so they are atomic like import and never need the index's write lock:
// readers (a running server, a reply run) keep working throughout. Two
// edits running at the same moment: the one that switches last wins.

func newKBAddCmd(g *globalOptions, dir *string) *cobra.Command {
	return &cobra.Command{
		Use:   "add PATH...",
		Short: "Add articles from PATHs, or update those with the same id",
		Long: `Read articles from PATHs (Markdown files or folders, .jsonl, .csv) and add them
to the knowledge base; an article whose id exists replaces it. The knowledge base
is created when missing. Bad articles are reported with file and line and
skipped (exit status 3); the rest is added. Atomic, like import.`,
		Example: `  antwort kb add --kb ./kb articles/rueckgabe.de.md
  antwort kb add --kb ./kb new-articles.jsonl`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("kb add needs at least one PATH")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			add, skipped, err := g.readArticles(ctx, args)
			if err != nil {
				return err
			}
			cur, err := currentArticles(ctx, g, *dir)
			if err != nil {
				return err
			}
			existing := map[string]bool{}
			for _, a := range cur {
				existing[a.ID] = true
			}
			added, updated := 0, 0
			for _, a := range add {
				if existing[a.ID] {
					updated++
				} else {
					added++
				}
			}
			start := time.Now()
			if _, err := kb.Import(ctx, *dir, dedupe(append(cur, add...), nil), kbOptions(g, false)); err != nil {
				return err
			}
			fmt.Fprintf(g.io.Out, "added %d, updated %d articles in %s (%d in all) in %s\n", added, updated, *dir,
				len(cur)+added, time.Since(start).Round(time.Millisecond))
			if skipped > 0 {
				return &partialError{skipped: skipped}
			}
			return nil
		},
	}
}

func newKBRemoveCmd(g *globalOptions, dir *string) *cobra.Command {
	return &cobra.Command{
		Use:     "rm ID...",
		Aliases: []string{"remove"},
		Short:   "Remove articles by id",
		Long: `Remove the articles with the given ids. An id that is not in the knowledge base
is reported and the exit status is 3; the others are removed. Atomic, like import.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("kb rm needs at least one article ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cur, err := currentArticles(ctx, g, *dir)
			if err != nil {
				return err
			}
			if cur == nil {
				return fmt.Errorf("no knowledge base in %s: %w", *dir, kb.ErrNotFound)
			}
			rm := map[string]bool{}
			for _, id := range args {
				rm[id] = true
			}
			var keep []kb.Article
			for _, a := range cur {
				if rm[a.ID] {
					delete(rm, a.ID)
					continue
				}
				keep = append(keep, a)
			}
			missing := 0
			for _, id := range args {
				if rm[id] {
					fmt.Fprintf(g.io.ErrOut, "antwort: no article %q in %s\n", id, *dir)
					delete(rm, id)
					missing++
				}
			}
			removed := len(cur) - len(keep)
			if removed > 0 {
				if _, err := kb.Import(ctx, *dir, keep, kbOptions(g, false)); err != nil {
					return err
				}
			}
			fmt.Fprintf(g.io.Out, "removed %d articles from %s (%d left)\n", removed, *dir, len(keep))
			if missing > 0 {
				return &partialError{skipped: missing}
			}
			return nil
		},
	}
}

// currentArticles returns the articles in the knowledge base in dir, or
// nil when there is none yet.
func currentArticles(ctx context.Context, g *globalOptions, dir string) ([]kb.Article, error) {
	k, err := kb.Open(dir, kbOptions(g, true))
	if errors.Is(err, kb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer k.Close()
	return k.List(ctx)
}
