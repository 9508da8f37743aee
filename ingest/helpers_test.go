package ingest

import (
	"errors"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sentinels in the order kindOf tries them.
var sentinels = []struct {
	name string
	err  error
}{
	{"ErrUnknownFormat", ErrUnknownFormat},
	{"ErrTooLarge", ErrTooLarge},
	{"ErrNoText", ErrNoText},
	{"ErrInvalidUTF8", ErrInvalidUTF8},
	{"ErrMissingField", ErrMissingField},
	{"ErrMalformed", ErrMalformed},
	{"ErrNoLabel", ErrNoLabel},
	{"ErrBinary", ErrBinary},
	{"ErrNotMail", ErrNotMail},
	{"ErrTooComplex", ErrTooComplex},
	{"ErrAuto", ErrAuto},
	{"ErrLinkOutside", ErrLinkOutside},
}

// kindOf names the sentinel err wraps, or returns err's text.
func kindOf(err error) string {
	if err == nil {
		return "<nil>"
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return "other: " + err.Error()
}

// prob is a Problem reduced to what tests compare.
type prob struct {
	Source string
	Line   int
	Kind   string
}

func probs(ps []Problem) []prob {
	var out []prob
	for _, p := range ps {
		out = append(out, prob{p.Source, p.Line, kindOf(p)})
	}
	return out
}

// writeFile writes content to name in a new temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// addressStrings returns the names and addresses of m's From, Reply-To
// and To, and its warnings.
func addressStrings(m *Message) []string {
	out := []string{m.From.Name, m.From.Address, m.ReplyTo.Name, m.ReplyTo.Address}
	for _, a := range m.To {
		out = append(out, a.Name, a.Address)
	}
	return append(out, m.Warnings...)
}

// TestAutoFieldsStartWithX checks what hasAutoField relies on: the
// fields autoReason and vendorAuto look up, but for the few it names,
// start with "X-" in canonical form.
func TestAutoFieldsStartWithX(t *testing.T) {
	fields := append([]string{"X-Loop", "X-Precedence", "X-Auto-Response-Suppress",
		"X-Ms-Exchange-Inbox-Rules-Loop", "X-Ms-Exchange-Generated-Message-Source"}, autoHeaderKeys...)
	for _, k := range fields {
		if !strings.HasPrefix(k, "X-") {
			t.Errorf("%q does not start with X-", k)
		}
		if !hasAutoField(textproto.MIMEHeader{k: {"1"}}) {
			t.Errorf("hasAutoField misses %q", k)
		}
	}
	for _, k := range []string{"Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe"} {
		if !hasAutoField(textproto.MIMEHeader{k: {"1"}}) {
			t.Errorf("hasAutoField misses %q", k)
		}
	}
	if hasAutoField(textproto.MIMEHeader{"From": {"a@b"}, "Return-Path": {"<>"}, "Subject": {"x"}}) {
		t.Error("hasAutoField finds one in From, Return-Path and Subject")
	}
}
