package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchNoTextSaysSo: a mail whose body gives no text (a chain of 200
// forwarded messages) is not decided on an empty text in silence: stderr
// warns, and the decision's reason is "no text", for a person to read.
func TestBatchNoTextSaysSo(t *testing.T) {
	db, k := sharedTrained(t)
	dir := t.TempDir()
	inner := "From: Kunde <k@kunde.example>\r\nSubject: Passwort vergessen\r\nContent-Type: text/plain\r\n\r\nIch habe mein Passwort vergessen.\r\n"
	for i := range 200 {
		inner = fmt.Sprintf("From: P%d <p%d@x.example>\r\nSubject: Passwort vergessen\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n", i, i) + inner
	}
	if err := os.WriteFile(filepath.Join(dir, "chain.eml"), []byte("Message-ID: <chain@kunde.example>\r\nTo: service@nordlicht.example\r\n"+inner), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "decisions.jsonl")
	code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+dir, "--out", "jsonl:"+out, "--dry-run")
	if code != ExitOK {
		t.Fatalf("batch: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: ") || !strings.Contains(errOut, "no text") {
		t.Errorf("stderr does not warn of the missing text:\n%s", errOut)
	}
	recs := batchActions(t, mustRead(t, out))
	if recs["chain.eml"] != "suggest" {
		t.Errorf("action %q, want suggest", recs["chain.eml"])
	}
	if b := mustRead(t, out); !strings.Contains(b, `{"name":"text","passed":false,"detail":"no text: the mail forwards messages nested more than 3 levels deep`) {
		t.Errorf("decision without the reason \"no text\":\n%s", b)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
