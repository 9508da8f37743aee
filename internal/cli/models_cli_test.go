package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort/models"
)

// TestModelsDiffSaysWhyNothingIsHeldOut: with training data kept but too
// few rows per label to hold any out, models diff says so instead of
// claiming the store keeps no data.
func TestModelsDiffSaysWhyNothingIsHeldOut(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "antwort.db")
	var b strings.Builder
	texts := map[string][]string{
		"refund":   {"Ich möchte mein Geld zurück", "Bitte erstatten Sie den Betrag", "refund my order please", "I want my money back"},
		"password": {"Passwort vergessen", "Ich komme nicht in mein Konto", "forgot my password", "cannot log in"},
		"parcel":   {"Wo bleibt mein Paket", "Sendung nicht angekommen", "where is my parcel", "my order has not arrived"},
	}
	for _, label := range []string{"parcel", "password", "refund"} {
		for _, text := range texts[label] {
			fmt.Fprintf(&b, "{\"text\":%q,\"label\":%q}\n", text, label)
		}
	}
	data := filepath.Join(dir, "small.jsonl")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		code, out, errOut := run(t, "", "train", "--db", db, "--task", "intent", "--data", data, "--folds", "2", "--c", "1", "--seed", fmt.Sprint(i+1))
		if code != ExitOK {
			t.Fatalf("train: exit %d\n%s%s", code, out, errOut)
		}
	}
	code, out, errOut := run(t, "", "models", "diff", "--db", db, "--kb", filepath.Join(dir, "nokb"), "intent", "1", "2")
	if code != ExitOK {
		t.Fatalf("models diff: exit %d: %s", code, errOut)
	}
	golden(t, "models_diff_small", out)
}

// TestAuditOneActorForm: saves (train), activations and rollbacks made on
// the command line all name their actor the same way, "cli:user@host".
func TestAuditOneActorForm(t *testing.T) {
	db := filepath.Join(t.TempDir(), "antwort.db")
	for range 2 {
		if code, out, errOut := run(t, "", "train", "--db", db, "--task", "intent", "--data", sampleTrain, "--folds", "2", "--c", "1"); code != ExitOK {
			t.Fatalf("train: exit %d\n%s%s", code, out, errOut)
		}
	}
	for _, args := range [][]string{{"models", "activate", "--db", db, "intent", "1"}, {"models", "rollback", "--db", db, "intent"}} {
		if code, out, errOut := run(t, "", args...); code != ExitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	code, out, errOut := run(t, "", "models", "audit", "--db", db, "--format", "json")
	if code != ExitOK {
		t.Fatalf("audit: exit %d: %s", code, errOut)
	}
	actors := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct{ Actor, Action string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		actors[e.Actor] = append(actors[e.Actor], e.Action)
	}
	if len(actors) != 1 {
		t.Fatalf("actors %v, want one", actors)
	}
	for a, acts := range actors {
		if a != "cli:"+models.LocalActor() || len(acts) < 6 {
			t.Errorf("actor %q for %v: want cli:user@host for saves, activations and the rollback", a, acts)
		}
	}
}
