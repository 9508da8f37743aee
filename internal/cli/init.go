package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/reply"
)

// initArticles are the sample articles antwort init writes as examples.
var initArticles = []string{"password_reset.de.md", "password_reset.en.md", "cancel_contract.de.md"}

func newInitCmd(g *globalOptions) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented starting policy and three example articles",
		Long: `Write what a team starts from into DIR (default: the current directory):

  policy.yaml   the reply policy with every setting at its default and a
                comment saying what it does; set your company, sender and
                sign-off under brand:
  articles/     three example knowledge-base articles (Markdown with YAML
                front matter): a German and an English one for resetting a
                password, a German one for cancelling a contract

Existing files are not overwritten unless --force. Then import the articles
with 'antwort kb import --kb kb articles/', train on your labelled mail with
'antwort train --task intent --data DIR', and fit the send rule with
'antwort policy fit --data DIR --kb kb --max-wrong 0.02'.`,
		Example: "  antwort init\n  antwort init ./helpdesk --force",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(g, dir, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}

func runInit(g *globalOptions, dir string, force bool) error {
	pol, err := reply.DefaultYAML()
	if err != nil {
		return err
	}
	files := map[string][]byte{"policy.yaml": pol}
	for _, name := range initArticles {
		b, err := fs.ReadFile(antwort.SampleKB(), name)
		if err != nil {
			return err
		}
		files[filepath.Join("articles", name)] = b
	}
	if !force {
		for name := range files {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return fmt.Errorf("%s exists; keep it, or overwrite with --force", filepath.Join(dir, name))
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "articles"), 0o755); err != nil {
		return err
	}
	for _, name := range append([]string{"policy.yaml"}, prefixed("articles", initArticles)...) {
		if err := writeFileAtomic(filepath.Join(dir, name), files[name]); err != nil {
			return err
		}
		fmt.Fprintf(g.io.Out, "wrote %s\n", filepath.Join(dir, name))
	}
	fmt.Fprintf(g.io.Out, "next: set brand: in %s, then\n  antwort kb import --kb kb %s\n",
		filepath.Join(dir, "policy.yaml"), filepath.Join(dir, "articles"))
	return nil
}

func prefixed(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}
