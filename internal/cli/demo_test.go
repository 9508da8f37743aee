package cli

import (
	"regexp"
	"strings"
	"testing"
)

// TestDemoFiguresGolden fixes the demo's opening lines and its accuracy
// paragraph: one figure for the held-out inbox, and the cross-validated
// figure 'antwort train' prints explained next to it (training times
// masked).
func TestDemoFiguresGolden(t *testing.T) {
	code, out, errOut := run(t, "", "demo", "--dir", t.TempDir())
	if code != ExitOK {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	var b strings.Builder
	for i, l := range lines {
		if i < 3 || strings.HasPrefix(l, "Held-out accuracy") || strings.HasPrefix(l, "(Held-out") ||
			strings.HasPrefix(l, "figure, held_out") || strings.HasPrefix(l, "learns from") {
			b.WriteString(l + "\n")
		}
	}
	got := regexp.MustCompile(`trained in [0-9.]+s`).ReplaceAllString(b.String(), "trained in Xs")
	golden(t, "demo_figures", got)

	// The command the demo suggests at its end works as printed.
	i := strings.LastIndex(out, "try:\n")
	if i < 0 {
		t.Fatalf("demo --dir suggests no command:\n%s", out)
	}
	args := strings.Fields(strings.TrimSpace(out[i+len("try:\n"):]))
	if args[0] != "antwort" {
		t.Fatalf("suggested %q", args)
	}
	code, reply, errOut := run(t, "", args[1:]...)
	if code != ExitOK || !strings.Contains(reply, "i052") {
		t.Errorf("%v: exit %d\n%s%s", args, code, reply, errOut)
	}
}
