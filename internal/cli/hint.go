package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/trust"
)

// errorText is how Main prints a command's error: one "antwort: " prefix
// (errors of the antwort package carry their own), and for "nothing there
// yet" (no model store, no trained model, no knowledge base) the command
// that creates it.
func errorText(err error, cmd *cobra.Command, g *globalOptions) string {
	msg := err.Error()
	if !strings.HasPrefix(msg, "antwort: ") {
		msg = "antwort: " + msg
	}
	if h := nextStep(err, cmd, g); h != "" {
		msg += "\n  " + h
	}
	return msg
}

// nextStep says how to create what err says is missing, or "".
func nextStep(err error, cmd *cobra.Command, g *globalOptions) string {
	if strings.Contains(err.Error(), "'antwort ") {
		return "" // the error names the command already
	}
	switch {
	case errors.Is(err, models.ErrNotFound) || errors.Is(err, antwort.ErrNoModel):
		if _, serr := os.Stat(g.db); errors.Is(serr, fs.ErrNotExist) {
			return fmt.Sprintf("There is no model store %s yet. Create it by training on labelled mail:\n"+
				"    antwort train --task intent --data DIR      (one folder per intent)\n"+
				"  or, for the sample models: antwort demo --dir .", g.db)
		}
		if errors.Is(err, antwort.ErrNoModel) || strings.Contains(err.Error(), `"intent" version 0`) {
			return fmt.Sprintf("Train an intent model into %s: antwort train --task intent --data DIR", g.db)
		}
	case errors.Is(err, kb.ErrNotFound) && strings.Contains(err.Error(), "no knowledge base"):
		dir := "kb"
		if cmd != nil {
			if f := cmd.Flags().Lookup("kb"); f != nil {
				dir = f.Value.String()
			}
		}
		return fmt.Sprintf("Import your articles first: antwort kb import --kb %s ARTICLES_DIR\n"+
			"  (Markdown files with a YAML header; or antwort demo --dir . for the sample)", dir)
	case errors.Is(err, trust.ErrTooLittleData):
		return "Label more mail (at least 20 per intent you want answered automatically) and fit again.\n" +
			"  Until then the hand thresholds decide, and intents with too little data get drafts only."
	}
	return ""
}
