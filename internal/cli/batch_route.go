package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
)

// router files copies of mails into Maildir folders.
type router struct {
	dir string
	by  string
	mu  sync.Mutex
	ok  map[string]bool // folders created
}

// file writes a copy of msg into the folder for action/intent and returns
// its path. The file name is derived from key, so filing again is a no-op.
func (r *router) file(msg *ingest.Message, key, action, intent string) (string, error) {
	if intent == "" {
		intent = "unknown"
	}
	var folder string
	switch r.by {
	case "intent":
		folder = folderName(intent)
	case "action/intent":
		folder = filepath.Join(folderName(action), folderName(intent))
	default:
		folder = folderName(action)
	}
	base := filepath.Join(r.dir, folder)
	r.mu.Lock()
	if r.ok == nil {
		r.ok = map[string]bool{}
	}
	if !r.ok[base] {
		for _, sub := range []string{"tmp", "new", "cur"} {
			if err := os.MkdirAll(filepath.Join(base, sub), 0o700); err != nil {
				r.mu.Unlock()
				return "", fmt.Errorf("--route: %w", err)
			}
		}
		r.ok[base] = true
	}
	r.mu.Unlock()
	name := strings.TrimSuffix(outbox.KeyFor(key), ".antwort") + ".routed"
	dst := filepath.Join(base, "new", name)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	tmp := filepath.Join(base, "tmp", name)
	if err := os.WriteFile(tmp, msg.Raw, 0o600); err != nil {
		return "", fmt.Errorf("--route: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", fmt.Errorf("--route: %w", err)
	}
	return dst, nil
}

// folderName makes a label safe as a folder name.
func folderName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == 0 || r < ' ':
			return '_'
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." || strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	return s
}

// movable reports whether msg was read from a file of its own (Maildir,
// folder or single .eml), which --route-move may remove.
func movable(msg *ingest.Message) bool {
	if msg.Source == "" || strings.ContainsAny(msg.Source, "#") {
		return false
	}
	fi, err := os.Stat(msg.Source)
	return err == nil && fi.Mode().IsRegular()
}
