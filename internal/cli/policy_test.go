package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort/reply"
)

// TestPolicySuggestRoundTrip suggests thresholds from the sample inbox,
// writes them into an existing policy file and loads the result.
func TestPolicySuggestRoundTrip(t *testing.T) {
	db := trained(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "base.yaml")
	base := "# house rules\nkb_threshold: 0.7\nmax_negative: 0.4 # careful\nnever_auto: [complaint]\nintent_thresholds:\n  praise: 0.99\n"
	if err := os.WriteFile(in, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "policy.yaml")
	code, stdout, errOut := run(t, "", "policy", "suggest", "--db", db, "--data", sampleInbox, "--label-field", "intent",
		"--precision", "0.9", "--min-support", "4", "--mode", "each", "--policy", in, "--out", out)
	if code != ExitOK {
		t.Fatalf("policy suggest: exit %d: %s", code, errOut)
	}
	var res suggestResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Written != out || res.Model != "intent@1" || res.NFit != 52 || res.Mode != "each" || res.TargetPrecision != 0.9 {
		t.Fatalf("result %+v", res)
	}
	p, err := reply.LoadPolicy(out)
	if err != nil {
		t.Fatalf("written policy does not load: %v", err)
	}
	if p.KBThreshold != 0.7 || p.MaxNegative != 0.4 || !slices.Equal(p.NeverAuto, []string{"complaint"}) {
		t.Errorf("other settings lost: kb %v, max_negative %v, never_auto %v", p.KBThreshold, p.MaxNegative, p.NeverAuto)
	}
	global, per := res.Advice.Thresholds()
	if math.Abs(p.IntentThreshold-global) > 1e-4 {
		t.Errorf("intent_threshold %v, advice %v", p.IntentThreshold, global)
	}
	if len(p.IntentThresholds) != len(per) || len(per) == 0 {
		t.Errorf("intent_thresholds %v, advice %v", p.IntentThresholds, per)
	}
	for l, v := range per {
		if math.Abs(p.IntentThresholds[l]-v) > 1e-4 {
			t.Errorf("%s: %v, advice %v", l, p.IntentThresholds[l], v)
		}
	}
	written, _ := os.ReadFile(out)
	for _, c := range []string{"# house rules", "# careful", "antwort policy suggest"} {
		if !strings.Contains(string(written), c) {
			t.Errorf("%q missing from the written policy:\n%s", c, written)
		}
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(in); string(b) != base {
		t.Errorf("--policy input was changed")
	}
	// The thresholds reach the target on the data they were fitted on, as
	// eval --policy measures it.
	code, stdout, errOut = run(t, "", "eval", "--db", db, "--model", "intent", "--test", sampleInbox, "--label-field", "intent", "--policy", out)
	if code != ExitOK {
		t.Fatalf("eval --policy: %s", errOut)
	}
	var ev evalResult
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Policy.Answered == 0 || ev.Policy.Precision < 0.9 {
		t.Errorf("policy answers %d at precision %.3f", ev.Policy.Answered, ev.Policy.Precision)
	}

	// Again without --policy: --out exists and is the starting point; its
	// kb_threshold survives. Text output.
	code, stdout, errOut = run(t, "", "policy", "suggest", "--db", db, "--data", sampleInbox, "--label-field", "intent", "--out", out, "--format", "text")
	if code != ExitOK {
		t.Fatalf("second suggest: %s", errOut)
	}
	if !strings.Contains(stdout, "global threshold") || !strings.Contains(stdout, "parcel_missing") {
		t.Errorf("text output:\n%s", stdout)
	}
	if p, err := reply.LoadPolicy(out); err != nil || p.KBThreshold != 0.7 {
		t.Errorf("rewritten policy: %v, kb %v", err, p.KBThreshold)
	}

	// --dry-run writes nothing.
	fresh := filepath.Join(dir, "fresh.yaml")
	if code, _, errOut := run(t, "", "policy", "suggest", "--db", db, "--data", sampleInbox, "--label-field", "intent", "--out", fresh, "--dry-run"); code != ExitOK {
		t.Fatalf("dry run: %s", errOut)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("--dry-run wrote %s", fresh)
	}
}

func TestPolicySuggestErrors(t *testing.T) {
	db := trained(t)
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("kb_treshold: 0.5\n"), 0o644)
	wrongLabels := filepath.Join(dir, "other.jsonl")
	os.WriteFile(wrongLabels, []byte(`{"text":"hello","label":"greeting"}`+"\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"no data", []string{}, ExitUsage, "--data"},
		{"bad precision", []string{"--data", sampleInbox, "--precision", "1.5"}, ExitUsage, "--precision"},
		{"broken policy", []string{"--data", sampleInbox, "--label-field", "intent", "--policy", broken, "--out", filepath.Join(dir, "o.yaml")}, ExitError, broken},
		{"unknown labels", []string{"--data", wrongLabels, "--out", filepath.Join(dir, "o.yaml")}, ExitError, "none of the 1 labels"},
		{"no such model", []string{"--data", sampleInbox, "--model", "nothing", "--out", filepath.Join(dir, "o.yaml")}, ExitModel, "nothing"},
		{"empty split", []string{"--data", sampleInbox, "--split", "dev", "--out", filepath.Join(dir, "o.yaml")}, ExitError, `split "dev"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, "", append([]string{"policy", "suggest", "--db", db}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.say) {
				t.Errorf("exit %d (want %d), stderr %q (want %q in it)", code, tt.code, errOut, tt.say)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "o.yaml")); !os.IsNotExist(err) {
		t.Errorf("a failed suggest wrote a policy")
	}
}
