package cli

import (
	"bufio"
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batchRecords runs batch on the inputs with an outbox and a drafts
// folder and returns the decision records by source file name (posts by
// their id) and the two folders.
func batchRecords(t *testing.T, db, k string, in []string, extra ...string) (map[string]batchOut, string, string) {
	t.Helper()
	dir := t.TempDir()
	outbox, drafts := filepath.Join(dir, "outbox"), filepath.Join(dir, "drafts")
	out := filepath.Join(dir, "decisions.jsonl")
	args := []string{"batch", "--db", db, "--kb", k, "--out", "jsonl:" + out, "--journal", filepath.Join(dir, "journal"),
		"--outbox", outbox, "--drafts", drafts}
	for _, s := range in {
		args = append(args, "--in", s)
	}
	code, stdout, errOut := run(t, "", append(args, extra...)...)
	if code != ExitOK && code != ExitPartial {
		t.Fatalf("batch: exit %d\n%s%s", code, stdout, errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := map[string]batchOut{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r batchOut
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(r.Source)
		if strings.Contains(r.Source, ".jsonl:") {
			name = r.ID
		}
		recs[name] = r
	}
	return recs, outbox, drafts
}

type batchOut struct {
	ID       string
	Source   string
	Auto     string
	Outbox   string
	Decision struct {
		Action  string
		Reasons []struct {
			Name   string
			Passed bool
			Detail string
		}
	}
}

// queuedTo returns the To addresses of the reply or draft queued for r,
// nil when none was.
func queuedTo(t *testing.T, r batchOut, outbox, drafts string) []*mail.Address {
	t.Helper()
	if r.Outbox == "" || strings.Contains(r.Outbox, " ") {
		return nil // "not queued: …"
	}
	for _, box := range []string{outbox, drafts} {
		f, err := os.Open(filepath.Join(box, "new", r.Outbox))
		if err != nil {
			continue
		}
		m, err := mail.ReadMessage(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		to, err := m.Header.AddressList("To")
		if err != nil {
			t.Fatalf("%s: To %q: %v", r.Source, m.Header.Get("To"), err)
		}
		return to
	}
	return nil
}

// writeMails writes one .eml per From value into a new folder.
func writeMails(t *testing.T, froms map[string]string, body string) string {
	t.Helper()
	dir := t.TempDir()
	for name, from := range froms {
		raw := "From: " + from + "\r\nTo: service@nordlicht.example\r\nSubject: Lieferung\r\nMessage-ID: <" + name + "@mail.kunde.example>\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
		if err := os.WriteFile(filepath.Join(dir, name+".eml"), []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const deliveryBody = "Guten Tag,\r\n\r\nmeine Bestellung 4711-2231 ist noch nicht angekommen. Wo bleibt mein Paket?\r\n\r\nViele Grüße\r\nBrigitte Hoffmann"

// TestBatchReplyGoesOnlyToSender: no reply and no draft goes to a list
// parsed out of a display name, to several From addresses, to a group,
// or to a JSONL "from" with two addresses.
func TestBatchReplyGoesOnlyToSender(t *testing.T) {
	db, k := sharedTrained(t)
	dir := writeMails(t, map[string]string{
		"crafted": "=?utf-8?q?Evil_<attacker@evil.example>,_x?= <b.hoffmann14@example.de>",
		"twofrom": "b.hoffmann14@example.de, Evil <attacker@evil.example>",
		"group":   "Kunden: b.hoffmann14@example.de, attacker@evil.example;",
	}, deliveryBody)
	posts := filepath.Join(t.TempDir(), "posts.jsonl")
	if err := os.WriteFile(posts, []byte(`{"id":"p1","channel":"email","from":"b.hoffmann14@example.de, attacker@evil.example","text":"Meine Bestellung 4711-2231 ist noch nicht angekommen. Wo bleibt mein Paket?"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, outbox, drafts := batchRecords(t, db, k, []string{"dir:" + dir, "jsonl:" + posts})
	for _, name := range []string{"crafted.eml", "twofrom.eml", "group.eml", "p1"} {
		r, ok := recs[name]
		if !ok {
			t.Errorf("%s: no decision", name)
			continue
		}
		if r.Decision.Action == "send" {
			t.Errorf("%s: sent automatically", name)
		}
		if to := queuedTo(t, r, outbox, drafts); to != nil {
			t.Errorf("%s: queued to %v, want nothing queued (no single sender address)", name, to)
		}
	}
	for _, box := range []string{outbox, drafts} {
		files, _ := filepath.Glob(filepath.Join(box, "new", "*"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), "attacker") {
				t.Errorf("%s names the attacker:\n%s", f, b)
			}
		}
	}
}

// TestBatchDisplayNameKeepsSender: display names with a comma, a
// semicolon, brackets, an '@' or an encoded comma keep their sender: the
// decision knows the address, and a queued reply or draft goes to it
// alone.
func TestBatchDisplayNameKeepsSender(t *testing.T) {
	db, k := sharedTrained(t)
	forms := map[string]string{
		"quoted_comma":     `"Hoffmann, Brigitte" <n1@kunde.example>`,
		"bare_comma":       `Hoffmann, Brigitte <n1@kunde.example>`,
		"quoted_semicolon": `"Hoffmann; Brigitte" <n1@kunde.example>`,
		"brackets":         `"Brigitte [Kundin]" <n1@kunde.example>`,
		"at_sign":          `"brigitte@home" <n1@kunde.example>`,
		"encoded_comma":    `=?utf-8?q?Hoffmann=2C_Brigitte?= <n1@kunde.example>`,
		"plain":            `Brigitte Hoffmann <n1@kunde.example>`,
		"address_only":     `n1@kunde.example`,
	}
	recs, outbox, drafts := batchRecords(t, db, k, []string{"dir:" + writeMails(t, forms, deliveryBody)})
	queued := 0
	for name := range forms {
		r, ok := recs[name+".eml"]
		if !ok || len(r.Decision.Reasons) == 0 {
			t.Errorf("%s: no decision", name)
			continue
		}
		if c := r.Decision.Reasons[0]; c.Name != "sender" || !c.Passed || c.Detail != "n1@kunde.example" {
			t.Errorf("%s: sender check %+v, want passed for n1@kunde.example", name, c)
		}
		to := queuedTo(t, r, outbox, drafts)
		if r.Decision.Action == "send" || r.Decision.Action == "suggest" {
			queued++
			if len(to) != 1 || to[0].Address != "n1@kunde.example" {
				t.Errorf("%s: %s queued to %v, want n1@kunde.example alone", name, r.Decision.Action, to)
			}
		}
	}
	if queued == 0 {
		t.Errorf("nothing was queued: %+v", recs)
	}
}

// TestBatchOwnAddressNeverAnswered: mail from our own address (--from)
// or domain (--own-domain), in any case, is never answered.
func TestBatchOwnAddressNeverAnswered(t *testing.T) {
	db, k := sharedTrained(t)
	dir := writeMails(t, map[string]string{
		"own_address": "Kundenservice <SERVICE@Example.COM>",
		"own_domain":  "Vertrieb <vertrieb@mail.example.com>",
		"customer":    "Brigitte Hoffmann <n1@kunde.example>",
	}, deliveryBody)
	recs, outbox, drafts := batchRecords(t, db, k, []string{"dir:" + dir},
		"--from", "Kundenservice <service@example.com>", "--own-domain", "example.com")
	for _, name := range []string{"own_address.eml", "own_domain.eml"} {
		r := recs[name]
		if r.Decision.Action != "ignore" || !strings.Contains(r.Auto, "our own address") {
			t.Errorf("%s: %s (auto %q), want ignore as our own address", name, r.Decision.Action, r.Auto)
		}
		if to := queuedTo(t, r, outbox, drafts); to != nil {
			t.Errorf("%s: queued to %v", name, to)
		}
	}
	if r := recs["customer.eml"]; r.Decision.Action == "ignore" {
		t.Errorf("customer mail ignored: %+v", r)
	}
}

// TestServeOwnAddressNeverAnswered: the rule holds in the HTTP service
// too, for a JSON message and for a mail.
func TestServeOwnAddressNeverAnswered(t *testing.T) {
	db, k := trainedWithKB(t)
	s := serve(t, db, k, "--own", "service@example.com", "--own", "nordlicht.example")
	for _, from := range []string{"Kundenservice <SERVICE@example.com>", "info@Nordlicht.example"} {
		out := s.post(t, "/v1/suggest", map[string]any{"text": "Meine Bestellung 4711-2231 ist nicht angekommen.", "from": from})
		d, _ := out["decision"].(map[string]any)
		if d["action"] != "ignore" {
			t.Errorf("from %s: decision %v, want ignore", from, d)
		}
	}
}
