package ingest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cleanCorpus is the corpus of real-looking German and English replies;
// each NAME.txt has its expected split in NAME.golden.
const cleanCorpus = "../testdata/mail/clean"

// formatCleaned renders a Cleaned for a golden file.
func formatCleaned(c Cleaned) string {
	return "=== text\n" + c.Text + "\n=== quoted\n" + c.Quoted + "\n=== signature\n" + c.Signature + "\n"
}

// golden compares got with the golden file path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestCleanCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(cleanCorpus, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("found %d corpus files in %s, want at least 25", len(files), cleanCorpus)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := Clean(string(b))
			golden(t, strings.TrimSuffix(f, ".txt")+".golden", formatCleaned(c))
			// Nothing is lost: every non-blank input line is in one part.
			all := c.Text + "\n" + c.Quoted + "\n" + c.Signature
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(all, l) {
					t.Errorf("line %q is in none of text, quoted, signature", l)
				}
			}
			if c.Text == "" {
				t.Errorf("Clean left no text")
			}
		})
	}
}
