package antwort_test

import (
	"os"
	"strings"
	"testing"
)

// TestLicensesListed keeps docs/licenses.md complete: every module go.mod
// requires is listed there with its licence.
func TestLicensesListed(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/licenses.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	inRequire := false
	for _, line := range strings.Split(string(mod), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "require ("):
			inRequire = true
			continue
		case line == ")":
			inRequire = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inRequire:
			continue
		}
		path := strings.Fields(line)[0]
		n++
		if !strings.Contains(string(doc), "| `"+path+"` |") {
			t.Errorf("docs/licenses.md does not list %s: check its licence and add it", path)
		}
	}
	if n < 20 {
		t.Errorf("found only %d requirements in go.mod; is the parser broken?", n)
	}
	for _, f := range []string{"LICENSE", "NOTICE"} {
		if b, err := os.ReadFile(f); err != nil || len(b) < 500 {
			t.Errorf("%s missing or short: %v", f, err)
		}
	}
}
