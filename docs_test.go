package antwort

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsSpeakToUsers: the README and the documentation pages are for
// people who have only this repository: no references to the project's
// issue tracker or to files outside it, and a README short enough to read
// before the first command.
func TestDocsSpeakToUsers(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "README.md")
	internal := regexp.MustCompile(`(?i)\.\./shared|\bissues? #?\d+|\(#\d+\)`)
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := internal.FindString(line); m != "" {
				t.Errorf("%s:%d: %q refers to something a user does not have: %s", p, i+1, m, line)
			}
		}
		if p == "README.md" {
			if n := strings.Count(string(b), "\n"); n > 250 {
				t.Errorf("README.md has %d lines; keep it under 250 and move detail to docs/", n)
			}
		}
	}
}
