package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestAPIReplyGoesOnlyToSender: the API takes the sender as one mailbox,
// a string or {name, address}; a list or a group is refused, naming the
// field. A mail (message/rfc822) whose display name holds a comma keeps
// its sender.
func TestAPIReplyGoesOnlyToSender(t *testing.T) {
	e := newEnv(t, nil)
	text := "Wo bleibt meine Bestellung 4711-2231? Seit zwei Wochen warte ich."
	for _, from := range []any{
		"a@kunde.example, Evil <attacker@evil.example>",
		"Kunden: a@kunde.example;",
		map[string]string{"name": "x", "address": "a@kunde.example, attacker@evil.example"},
		map[string]string{"name": "x", "adress": "a@kunde.example"},
	} {
		r := e.do(t, "POST", "/v1/suggest", clientToken, map[string]any{"text": text, "from": from})
		if ae := r.error(t); r.status != http.StatusBadRequest || ae.Field != "from" || ae.Code != "invalid_request" {
			t.Errorf("from %v: %d %s, want 400 invalid_request for field from", from, r.status, r.body)
		}
	}
	for _, from := range []any{
		`"Hoffmann, Brigitte" <n1@kunde.example>`,
		map[string]string{"name": "Hoffmann, Brigitte", "address": "n1@kunde.example"},
	} {
		var s suggestion
		e.do(t, "POST", "/v1/suggest", clientToken, map[string]any{"text": text, "from": from}).ok(t, "suggest").json(t, &s)
		if len(s.Decision.Reasons) == 0 || s.Decision.Reasons[0].Detail != "n1@kunde.example" || s.Found.Name != "Brigitte Hoffmann" {
			t.Errorf("from %v: sender %+v, name %q; want n1@kunde.example, Brigitte Hoffmann", from, s.Decision.Reasons, s.Found.Name)
		}
	}
	mail := "From: =?utf-8?q?Hoffmann=2C_Brigitte?= <n1@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Paket\r\n" +
		"Message-ID: <api-1@kunde.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	var s suggestion
	e.doType(t, "POST", "/v1/suggest", clientToken, "message/rfc822", mail).ok(t, "suggest mail").json(t, &s)
	if len(s.Decision.Reasons) == 0 || s.Decision.Reasons[0].Detail != "n1@kunde.example" {
		t.Errorf("mail: sender check %+v, want n1@kunde.example", s.Decision.Reasons)
	}
	crafted := strings.Replace(mail, "=?utf-8?q?Hoffmann=2C_Brigitte?= <n1@kunde.example>", "=?utf-8?q?Evil_<attacker@evil.example>,_x?= <n1@kunde.example>", 1)
	e.doType(t, "POST", "/v1/suggest", clientToken, "message/rfc822", crafted).ok(t, "suggest crafted mail").json(t, &s)
	if s.Decision.Action == "send" || len(s.Decision.Reasons) == 0 || s.Decision.Reasons[0].Passed {
		t.Errorf("crafted mail: %s, sender check %+v; want no sender address", s.Decision.Action, s.Decision.Reasons)
	}
}

type suggestion struct {
	Found struct {
		Name string `json:"name"`
	} `json:"found"`
	Decision struct {
		Action  string `json:"action"`
		Reasons []struct {
			Name   string `json:"name"`
			Passed bool   `json:"passed"`
			Detail string `json:"detail"`
		} `json:"reasons"`
	} `json:"decision"`
}
