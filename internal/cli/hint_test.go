package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHelpQuickStartWorks runs the quick start of 'antwort --help' as
// written, line by line, in an empty folder: each command must succeed.
func TestHelpQuickStartWorks(t *testing.T) {
	code, help, _ := run(t, "", "--help")
	if code != ExitOK {
		t.Fatalf("--help: exit %d", code)
	}
	_, block, ok := strings.Cut(help, "Quick start:\n")
	if !ok {
		t.Fatalf("no quick start in --help:\n%s", help)
	}
	block, _, _ = strings.Cut(block, "\n\n")
	t.Chdir(t.TempDir())
	for _, v := range []string{"ANTWORT_DB", "ANTWORT_KB"} {
		t.Setenv(v, "") // restored after the test
		os.Unsetenv(v)
	}
	echo := regexp.MustCompile(`^echo "([^"]*)" \| (.*)$`)
	ran := 0
	for _, line := range strings.Split(block, "\n") {
		if !strings.HasPrefix(line, "  antwort") && !strings.HasPrefix(line, "  echo") {
			continue // prose
		}
		line, _, _ = strings.Cut(strings.TrimSpace(line), " #")
		stdin := ""
		if m := echo.FindStringSubmatch(line); m != nil {
			stdin, line = m[1]+"\n", m[2]
		}
		args := strings.Fields(line)
		if args[0] != "antwort" {
			t.Fatalf("quick start line %q does not run antwort", line)
		}
		code, out, errOut := run(t, stdin, args[1:]...)
		if code != ExitOK {
			t.Errorf("%q: exit %d\n%s%s", line, code, out, errOut)
		}
		ran++
	}
	if ran < 3 {
		t.Errorf("ran %d quick start commands, want at least 3:\n%s", ran, block)
	}
}

// TestNothingThereYetNamesTheCommand: an error for a missing model store,
// model or knowledge base names the command that creates it, with one
// "antwort:" prefix and no doubled package prefix.
func TestNothingThereYetNamesTheCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "antwort.db")
	k := filepath.Join(dir, "kb")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"classify without store", "hi\n", []string{"classify", "--db", db}, ExitModel, "antwort train --task intent --data DIR"},
		{"reply without store", "hi\n", []string{"reply", "--db", db, "--kb", k}, ExitModel, "antwort demo --dir ."},
		{"batch without store", "", []string{"batch", "--db", db, "--kb", k, "--in", "-", "--dry-run"}, ExitModel, "antwort train --task intent"},
		{"kb list without kb", "", []string{"kb", "list", "--kb", k}, ExitError, "antwort kb import --kb " + k + " ARTICLES_DIR"},
		{"kb search without kb", "", []string{"kb", "search", "--kb", k, "Paket"}, ExitError, "antwort kb import --kb " + k},
		{"eval --model without store", "", []string{"eval", "--db", db, "--model", "intent", "--test", sampleInbox}, ExitModel, "antwort train --task intent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tt.code, tt.want)
			}
			for _, doubled := range []string{"antwort: antwort:", "kb: kb:", "models: models:"} {
				if strings.Contains(errOut, doubled) {
					t.Errorf("doubled prefix %q in %q", doubled, errOut)
				}
			}
		})
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a read-only command created %s", db)
	}
	// A store with a sentiment model only: the intent model is missing.
	code, out, errOut := run(t, "", "train", "--db", db, "--task", "sentiment", "--data", sampleTrain, "--folds", "2", "--c", "1")
	if code != ExitOK {
		t.Fatalf("train sentiment: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"classify", "--db", db}, {"models", "push", "--db", db, "--kb", k}, {"policy", "suggest", "--db", db, "--data", sampleInbox}} {
		code, _, errOut := run(t, "hi\n", args...)
		if code != ExitModel || !strings.Contains(errOut, "antwort train --task intent") || strings.Contains(errOut, "antwort: antwort:") {
			t.Errorf("%v: exit %d, stderr %q: want exit 4 naming antwort train --task intent once prefixed", args, code, errOut)
		}
	}
}
