package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testInbox is the held-out realistic test inbox: raw .eml files and
// expected.jsonl with one label line per file.
const testInbox = "../testdata/inbox"

// inboxLabel is one line of testdata/inbox/expected.jsonl.
type inboxLabel struct {
	File         string `json:"file"`
	Lang         string `json:"lang"`
	Intent       string `json:"intent"`
	SecondIntent string `json:"second_intent"`
	Expect       string `json:"expect"`
	Why          string `json:"why"`
}

var (
	inboxIntents = []string{
		"parcel_missing", "cancel_contract", "change_address", "invoice_wrong",
		"password_reset", "refund_request", "complaint", "praise",
		"product_question", "payment_method", "damaged_item", "delivery_date_change",
	}
	inboxLangs   = []string{"de", "en", "es", "nl", "fr"}
	inboxExpects = []string{"send_ok", "suggest", "escalate", "ignore"}
)

// readInboxLabels reads expected.jsonl strictly: every field present and
// no unknown ones.
func readInboxLabels(t *testing.T) []inboxLabel {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testInbox, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []inboxLabel
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Fatalf("expected.jsonl:%d: %v", n, err)
		}
		for _, k := range []string{"file", "lang", "intent", "second_intent", "expect", "why"} {
			if _, ok := fields[k]; !ok {
				t.Errorf("expected.jsonl:%d: field %q missing", n, k)
			}
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var l inboxLabel
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("expected.jsonl:%d: %v", n, err)
		}
		labels = append(labels, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return labels
}

// TestInboxParses checks the test inbox itself: expected.jsonl names
// exactly the .eml files present, every label is one the README allows,
// and every mail parses, with machine mail (and only machine mail)
// recognised as such.
func TestInboxParses(t *testing.T) {
	labels := readInboxLabels(t)
	if len(labels) < 100 {
		t.Fatalf("expected.jsonl has %d lines, want at least 100", len(labels))
	}

	files, err := filepath.Glob(filepath.Join(testInbox, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var present, named []string
	for _, f := range files {
		present = append(present, filepath.Base(f))
	}
	for _, l := range labels {
		named = append(named, l.File)
	}
	slices.Sort(named)
	if diff := cmp.Diff(present, named); diff != "" {
		t.Errorf("expected.jsonl does not name exactly the .eml files in %s (-present +named):\n%s", testInbox, diff)
	}
	if c := slices.Compact(slices.Clone(named)); len(c) != len(named) {
		t.Errorf("expected.jsonl names %d files, %d of them distinct", len(named), len(c))
	}

	for _, l := range labels {
		t.Run(l.File, func(t *testing.T) {
			if !slices.Contains(inboxLangs, l.Lang) {
				t.Errorf("lang %q, want one of %v", l.Lang, inboxLangs)
			}
			if l.Intent != "out_of_scope" && !slices.Contains(inboxIntents, l.Intent) {
				t.Errorf("intent %q, want one of the 12 intents or out_of_scope", l.Intent)
			}
			if !slices.Contains(inboxExpects, l.Expect) {
				t.Errorf("expect %q, want one of %v", l.Expect, inboxExpects)
			}
			if l.Why == "" {
				t.Error("why is empty")
			}
			if l.SecondIntent != "" {
				if !slices.Contains(inboxIntents, l.SecondIntent) || l.SecondIntent == l.Intent {
					t.Errorf("second_intent %q, want another of the 12 intents than %q", l.SecondIntent, l.Intent)
				}
				if l.Expect != "suggest" {
					t.Errorf("a mail with two requests has expect %q, want suggest", l.Expect)
				}
			}
			if l.Intent == "out_of_scope" && l.Expect != "suggest" && l.Expect != "ignore" {
				t.Errorf("out_of_scope mail has expect %q, want suggest or ignore", l.Expect)
			}
			if l.Expect == "ignore" && l.Intent != "out_of_scope" {
				t.Errorf("machine mail has intent %q, want out_of_scope", l.Intent)
			}

			m, err := parseFile(t, filepath.Join(testInbox, l.File), Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.ID == "" || m.From.Address == "" || m.Subject == "" || m.Date.IsZero() {
				t.Errorf("Parse gave ID %q, From %q, Subject %q, Date %v; want all set", m.ID, m.From, m.Subject, m.Date)
			}
			if l.Expect != "ignore" && m.Text == "" {
				t.Errorf("Parse gave no text (quoted %d bytes, signature %d bytes)", len(m.Quoted), len(m.Signature))
			}
			if got, want := m.Auto != "", l.Expect == "ignore"; got != want {
				t.Errorf("Parse gave Auto %q for a mail labelled %s", m.Auto, l.Expect)
			}
		})
	}
}
