package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

const cancelJSON = `{"id":"c1","subject":"Kündigung","text":"Hiermit kündige ich meinen Vertrag zum nächstmöglichen Termin.\n\nMit freundlichen Grüßen\nPetra Schulz","from":"Petra Schulz <petra.schulz@example.com>","channel":"email"}`

func TestAuth(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name       string
		method     string
		path       string
		header     string // Authorization
		body       any
		wantStatus int
		wantCode   string
	}{
		{"health needs no token", "GET", "/healthz", "", nil, 200, ""},
		{"no token", "POST", "/v1/classify", "", cancelJSON, 401, server.CodeUnauthorized},
		{"empty bearer", "POST", "/v1/classify", "Bearer ", cancelJSON, 401, server.CodeUnauthorized},
		{"basic auth", "POST", "/v1/classify", "Basic dXNlcjpwYXNz", cancelJSON, 401, server.CodeUnauthorized},
		{"wrong token", "POST", "/v1/classify", "Bearer " + clientToken + "x", cancelJSON, 401, server.CodeInvalidToken},
		{"prefix of a token", "POST", "/v1/classify", "Bearer " + clientToken[:16], cancelJSON, 401, server.CodeInvalidToken},
		{"client token", "POST", "/v1/classify", "Bearer " + clientToken, cancelJSON, 200, ""},
		{"lower-case scheme", "POST", "/v1/classify", "bearer " + clientToken, cancelJSON, 200, ""},
		{"client may not activate", "POST", "/v1/models/intent/activate", "Bearer " + clientToken, `{"version":2}`, 403, server.CodeForbidden},
		{"client may not import", "POST", "/v1/kb/import", "Bearer " + clientToken, `{"articles":[]}`, 403, server.CodeForbidden},
		{"metrics need a token", "GET", "/metrics", "", nil, 401, server.CodeUnauthorized},
		{"metrics with a token", "GET", "/metrics", "Bearer " + clientToken, nil, 200, ""},
		{"unknown path", "GET", "/v1/nope", "", nil, 404, server.CodeNotFound},
		{"wrong method", "GET", "/v1/suggest", "", nil, 405, server.CodeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, e.http.URL+tt.path, nil)
			if s, ok := tt.body.(string); ok {
				req, _ = http.NewRequest(tt.method, e.http.URL+tt.path, strings.NewReader(s))
			}
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := e.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := response{status: resp.StatusCode, header: resp.Header, body: body}
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.wantStatus, body)
			}
			if tt.wantCode != "" {
				if got := r.error(t).Code; got != tt.wantCode {
					t.Errorf("error code = %q, want %q", got, tt.wantCode)
				}
			}
			if tt.wantStatus == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a WWW-Authenticate: Bearer header")
			}
			if tt.wantStatus == 405 && r.header.Get("Allow") != "POST" {
				t.Errorf("405 Allow = %q, want POST", r.header.Get("Allow"))
			}
		})
	}

	pub := newEnv(t, func(o *server.Options) { o.PublicMetrics = true })
	if r := pub.do(t, "GET", "/metrics", "", nil); r.status != 200 {
		t.Errorf("GET /metrics with PublicMetrics and no token: status %d", r.status)
	}
	if _, err := server.New(e.live, server.Options{}); !errors.Is(err, server.ErrNoTokens) {
		t.Errorf("New() without tokens error = %v, want ErrNoTokens", err)
	}
	open := newEnv(t, func(o *server.Options) { o.NoAuth = true })
	open.do(t, "POST", "/v1/models/intent/activate", "", `{"version":2}`).ok(t, "activate with NoAuth")
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, nil)
	big := `{"text":"` + strings.Repeat("a", server.DefaultMaxBody) + `"}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				body = io.MultiReader(body) // hides the length: no Content-Length
			}
			req, _ := http.NewRequest("POST", e.http.URL+"/v1/suggest", body)
			req.Header.Set("Authorization", "Bearer "+clientToken)
			resp, err := e.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := response{status: resp.StatusCode, body: data}
			if r.status != http.StatusRequestEntityTooLarge || r.error(t).Code != server.CodeBodyTooLarge {
				t.Errorf("oversized body: status %d %s, want 413 %s", r.status, data, server.CodeBodyTooLarge)
			}
		})
	}
	// Exactly at the limit is fine (padded with JSON white space, so the
	// classifier has little to do).
	fits := `{"text":"Wo ist mein Paket?"` + strings.Repeat(" ", server.DefaultMaxBody-len(`{"text":"Wo ist mein Paket?"}`)) + `}`
	if len(fits) != server.DefaultMaxBody {
		t.Fatalf("test body is %d bytes", len(fits))
	}
	e.do(t, "POST", "/v1/classify", clientToken, fits).ok(t, "body of exactly the limit")
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t, nil)
	off := func(n int64) *int64 { return &n }
	tests := []struct {
		name  string
		path  string
		ctype string
		body  string
		want  apiError
		// wantStatus defaults to 400.
		wantStatus int
	}{
		{name: "trailing comma", path: "/v1/suggest", body: `{"text": "a",}`,
			want: apiError{Code: server.CodeInvalidJSON, Line: 1, Column: 14, Offset: off(13)}},
		{name: "error on line 3", path: "/v1/suggest", body: "{\n  \"subject\": \"x\",\n  \"text\": 'quoted'\n}",
			want: apiError{Code: server.CodeInvalidJSON, Line: 3, Column: 11, Offset: off(30)}},
		{name: "cut off", path: "/v1/suggest", body: `{"text": "Wo ist mein Pa`,
			want: apiError{Code: server.CodeInvalidJSON, Line: 1, Column: 25, Offset: off(24)}},
		{name: "wrong type", path: "/v1/suggest", body: `{"text": 42}`,
			want: apiError{Code: server.CodeInvalidRequest, Field: "text", Line: 1, Column: 11, Offset: off(10)}},
		{name: "unknown field", path: "/v1/suggest", body: `{"text": "hallo", "mesage": "x"}`,
			want: apiError{Code: server.CodeInvalidRequest, Field: "mesage", Line: 1, Column: 19, Offset: off(18)}},
		{name: "trailing data", path: "/v1/classify", body: `{"text": "hallo"} {"text": "zwei"}`,
			want: apiError{Code: server.CodeInvalidJSON, Line: 1, Column: 20, Offset: off(19)}},
		{name: "empty body", path: "/v1/classify", body: ``, want: apiError{Code: server.CodeInvalidJSON}},
		{name: "array", path: "/v1/classify", body: `[{"text": "hallo"}]`,
			want: apiError{Code: server.CodeInvalidRequest, Line: 1, Column: 1, Offset: off(0)}},
		{name: "no text", path: "/v1/suggest", body: `{"subject": "  ", "text": ""}`, want: apiError{Code: server.CodeInvalidRequest, Field: "text"}},
		{name: "control character in id", path: "/v1/suggest", body: `{"id": "a\u0000b", "text": "x"}`, want: apiError{Code: server.CodeInvalidRequest, Field: "id"}},
		{name: "html", path: "/v1/suggest", ctype: "text/html", body: `<p>hallo</p>`, wantStatus: 415, want: apiError{Code: server.CodeUnsupportedMedia}},
		{name: "form post of JSON (curl -d)", path: "/v1/suggest", ctype: "application/x-www-form-urlencoded", body: `{"text": 1}`,
			want: apiError{Code: server.CodeInvalidRequest, Field: "text", Line: 1, Column: 10, Offset: off(9)}},
		{name: "not a mail", path: "/v1/suggest", ctype: "message/rfc822", body: "\x00\x01\x02binary", want: apiError{Code: server.CodeInvalidMail}},
		{name: "feedback without id", path: "/v1/feedback", body: `{"intent": "praise"}`, want: apiError{Code: server.CodeInvalidRequest, Field: "message_id"}},
		{name: "feedback bad label", path: "/v1/feedback", body: `{"message_id": "x", "intent": "Kündigung bitte!"}`, want: apiError{Code: server.CodeInvalidRequest, Field: "intent"}},
		{name: "feedback edit ratio", path: "/v1/feedback", body: `{"message_id": "x", "answer_used": "a", "edit_ratio": 1.5}`, want: apiError{Code: server.CodeInvalidRequest, Field: "edit_ratio"}},
		{name: "feedback says nothing", path: "/v1/feedback", body: `{"message_id": "x"}`, want: apiError{Code: server.CodeInvalidRequest, Field: "intent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.ctype
			if ct == "" {
				ct = "application/json"
			}
			r := e.doType(t, "POST", tt.path, clientToken, ct, tt.body)
			want := tt.wantStatus
			if want == 0 {
				want = 400
			}
			if r.status != want {
				t.Fatalf("status = %d, want %d: %s", r.status, want, r.body)
			}
			got := r.error(t)
			if got.Message == "" {
				t.Errorf("error without a message: %s", r.body)
			}
			got.Message = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s\nbody: %s", diff, r.body)
			}
		})
	}
}

func TestClassifyAndSuggest(t *testing.T) {
	e := newEnv(t, nil)
	var res antwort.Result
	e.do(t, "POST", "/v1/classify", clientToken, cancelJSON).ok(t, "classify").json(t, &res)
	if res.ID != "c1" || res.Intent.Label != "cancel_contract" || res.Intent.Model != "intent@1" || res.Lang != "de" || len(res.Explanation.Intent) != 0 {
		t.Errorf("classify = %+v", res)
	}
	var ex antwort.Result
	e.do(t, "POST", "/v1/classify", clientToken, strings.Replace(cancelJSON, `{`, `{"explain":3,`, 1)).ok(t, "classify with explain").json(t, &ex)
	if len(ex.Explanation.Intent) != 3 || len(ex.Explanation.Sentiment) != 3 {
		t.Errorf("classify with explain 3 = %+v", ex.Explanation)
	}
	if r := e.do(t, "POST", "/v1/classify?explain=99", clientToken, cancelJSON); r.status != 400 || r.error(t).Field != "explain" {
		t.Errorf("explain=99: %d %s", r.status, r.body)
	}
	var sug antwort.Suggestion
	e.do(t, "POST", "/v1/suggest", clientToken, cancelJSON).ok(t, "suggest").json(t, &sug)
	if sug.Intent.Label != "cancel_contract" || len(sug.Answers) == 0 || sug.Decision.Action == "" || len(sug.Decision.Reasons) == 0 || sug.Draft == "" {
		t.Errorf("suggest = %+v", sug)
	}
	if !strings.Contains(sug.Draft, "Schulz") {
		t.Errorf("draft does not address Petra Schulz (signature cleaned off but used for the name):\n%s", sug.Draft)
	}
	// Without an id the server assigns one.
	var anon antwort.Result
	e.do(t, "POST", "/v1/classify", clientToken, `{"text":"Wo bleibt meine Bestellung?"}`).ok(t, "classify without id").json(t, &anon)
	if !strings.HasPrefix(anon.ID, "m-") || len(anon.ID) != 18 {
		t.Errorf("assigned id = %q, want m- and 16 hex digits", anon.ID)
	}
	// A raw mail.
	mail := "From: Max Muster <max@example.com>\r\nTo: service@example.com\r\nSubject: Passwort vergessen\r\nMessage-ID: <abc@example.com>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nIch komme nicht mehr in mein Konto, bitte Passwort zurücksetzen.\r\n\r\n> alter Text\r\n"
	var mres antwort.Suggestion
	e.doType(t, "POST", "/v1/suggest", clientToken, "message/rfc822", mail).ok(t, "suggest mail").json(t, &mres)
	if mres.ID != "abc@example.com" || mres.Intent.Label != "password_reset" {
		t.Errorf("suggest(mail) = id %q intent %q", mres.ID, mres.Intent.Label)
	}
	// An auto-reply is ignored.
	var auto antwort.Suggestion
	e.do(t, "POST", "/v1/suggest", clientToken, `{"text":"Ich bin bis 20.3. nicht im Büro.","auto":"subject: Abwesenheitsnotiz"}`).ok(t, "auto").json(t, &auto)
	if auto.Decision.Action != "ignore" {
		t.Errorf("auto-reply decision = %q, want ignore", auto.Decision.Action)
	}
}

func TestFeedback(t *testing.T) {
	e := newEnv(t, nil)
	var sug antwort.Suggestion
	e.do(t, "POST", "/v1/suggest", clientToken, cancelJSON).ok(t, "suggest").json(t, &sug)

	type fbResp struct {
		Seq       int64    `json:"seq"`
		MessageID string   `json:"message_id"`
		Known     bool     `json:"known"`
		Flags     []string `json:"flags"`
	}
	tests := []struct {
		name string
		body string
		want fbResp
	}{
		{"known message, answer edited", `{"message_id":"c1","intent":"cancel_contract","answer_used":"` + sug.Article + `","edited":true,"edit_ratio":0.7,"agent":"anna"}`,
			fbResp{1, "c1", true, nil}},
		{"unknown id, no text", `{"message_id":"never-seen","intent":"refund_request"}`,
			fbResp{2, "never-seen", false, []string{server.FlagUnknownMessage, server.FlagNoText}}},
		{"unknown id with text, new intent", `{"message_id":"gc1","intent":"gift_card","text":"Mein Gutscheincode geht nicht, schreiben Sie an max@example.com oder 0170 1234567"}`,
			fbResp{3, "gc1", false, []string{server.FlagUnknownMessage, server.FlagNewIntent}}},
		{"unknown article", `{"message_id":"c1","declined":["no-such-article"]}`,
			fbResp{4, "c1", true, []string{server.FlagUnknownArticle}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got fbResp
			e.do(t, "POST", "/v1/feedback", clientToken, tt.body).ok(t, "feedback").json(t, &got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("feedback response mismatch (-want +got):\n%s", diff)
			}
		})
	}
	log, err := e.store.FeedbackLog(context.Background(), models.FeedbackQuery{})
	if err != nil || len(log) != 4 {
		t.Fatalf("FeedbackLog() = %d entries, %v", len(log), err)
	}
	first := log[0]
	if first.Actor != "token:desk" || first.Agent != "anna" || first.PredictedIntent != "cancel_contract" || first.Suggested != sug.Article ||
		first.Model != "intent@1" || first.Subject != "Kündigung" || !strings.Contains(first.Text, "kündige") {
		t.Errorf("stored feedback = %+v", first)
	}
	if got := log[2].Text; !strings.Contains(got, "[E-MAIL]") || !strings.Contains(got, "[TELEFON]") || strings.Contains(got, "max@example.com") {
		t.Errorf("stored feedback text not redacted: %q", got)
	}
	// The answered message itself is stored redacted too.
	e.do(t, "POST", "/v1/classify", clientToken, `{"id":"pii","text":"Rückruf bitte unter 0170 1234567, Bestellnummer 4711-2231, IBAN DE89 3704 0044 0532 0130 00"}`).ok(t, "classify pii")
	if err := e.srv.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pii, ok, _ := e.store.SeenMessage(context.Background(), "pii"); !ok || pii.Text != "Rückruf bitte unter [TELEFON], Bestellnummer [ORDER], IBAN [IBAN]" {
		t.Errorf("stored answered message = %q, want it redacted", pii.Text)
	}
	seen, ok, err := e.store.SeenMessage(context.Background(), "c1")
	if err != nil || !ok || seen.Intent != "cancel_contract" || len(seen.Answers) == 0 {
		t.Fatalf("SeenMessage(c1) = %+v, %v, %v", seen, ok, err)
	}
	// Answer learning saw the edit.
	var ans server.AnswersResponse
	e.do(t, "GET", "/v1/kb/answers", clientToken, nil).ok(t, "answers").json(t, &ans)
	if a := ans.ByArticle[sug.Article]; a.Used != 1 || a.Edited != 1 || a.HeavyEdits != 1 || a.Weight >= 1 {
		t.Errorf("answer stats of %s = %+v", sug.Article, a)
	}
}

// TestRedactionOff stores texts as written when the operator says so.
func TestRedactionOff(t *testing.T) {
	off, err := antwort.NewRedactor(antwort.RedactOptions{Off: true})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *server.Options) { o.Redactor = off })
	e.do(t, "POST", "/v1/feedback", clientToken, `{"message_id":"x","intent":"praise","text":"Danke! max@example.com"}`).ok(t, "feedback")
	log, _ := e.store.FeedbackLog(context.Background(), models.FeedbackQuery{})
	if len(log) != 1 || log[0].Text != "Danke! max@example.com" {
		t.Errorf("stored text = %+v, want it as written", log)
	}
}

func TestModelEndpoints(t *testing.T) {
	e := newEnv(t, nil)
	var list server.ModelsResponse
	e.do(t, "GET", "/v1/models", clientToken, nil).ok(t, "models").json(t, &list)
	if len(list.Models) != 3 || list.Engine.Versions[0] != "intent@1" {
		t.Fatalf("GET /v1/models = %+v", list)
	}
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown version", "POST", "/v1/models/intent/activate", `{"version":9}`, 404, server.CodeModelNotFound},
		{"unknown model", "POST", "/v1/models/nope/activate", `{"version":1}`, 404, server.CodeModelNotFound},
		{"version zero", "POST", "/v1/models/intent/activate", `{"version":0}`, 400, server.CodeInvalidRequest},
		{"version as string", "POST", "/v1/models/intent/activate", `{"version":"2"}`, 400, server.CodeInvalidRequest},
		{"rollback without history", "POST", "/v1/models/intent/rollback", ``, 409, server.CodeNoHistory},
		{"delete active", "DELETE", "/v1/models/intent/1", ``, 409, server.CodeModelActive},
		{"delete unknown", "DELETE", "/v1/models/intent/7", ``, 404, server.CodeModelNotFound},
		{"delete bad version", "DELETE", "/v1/models/intent/x", ``, 400, server.CodeInvalidRequest},
		{"diff unknown version", "GET", "/v1/models/intent/diff?a=1&b=9", ``, 404, server.CodeModelNotFound},
		{"diff without b", "GET", "/v1/models/intent/diff?a=1", ``, 400, server.CodeInvalidRequest},
	} {
		r := e.do(t, tt.method, tt.path, adminToken, tt.body)
		if r.status != tt.status || r.error(t).Code != tt.code {
			t.Errorf("%s: %s %s = %d %s, want %d %s", tt.name, tt.method, tt.path, r.status, r.body, tt.status, tt.code)
		}
	}

	var ch server.ChangeResponse
	e.do(t, "POST", "/v1/models/intent/activate", adminToken, `{"version":2}`).ok(t, "activate").json(t, &ch)
	if ch.Version != 2 || ch.Previous != 1 || ch.Engine.Versions[0] != "intent@2" {
		t.Errorf("activate = %+v", ch)
	}
	var res antwort.Result
	e.do(t, "POST", "/v1/classify", clientToken, cancelJSON).ok(t, "classify").json(t, &res)
	if res.Intent.Model != "intent@2" {
		t.Errorf("after activation classify used %s, want intent@2", res.Intent.Model)
	}
	e.do(t, "POST", "/v1/models/intent/rollback", adminToken, nil).ok(t, "rollback").json(t, &ch)
	if ch.Version != 1 || ch.Engine.Versions[0] != "intent@1" {
		t.Errorf("rollback = %+v", ch)
	}
	e.do(t, "DELETE", "/v1/models/intent/2", adminToken, nil).ok(t, "delete")
	var d antwort.ModelDiff
	e.do(t, "GET", "/v1/models/sentiment/diff?a=1&b=1", clientToken, nil).ok(t, "diff").json(t, &d)
	if d.N == 0 || d.AccuracyA != d.AccuracyB || d.Changed != 0 {
		t.Errorf("diff of a version with itself = %+v", d)
	}

	var audit struct{ Entries []models.AuditEntry }
	e.do(t, "GET", "/v1/audit?name=intent&last=3", clientToken, nil).ok(t, "audit").json(t, &audit)
	var got []string
	for _, a := range audit.Entries {
		got = append(got, fmt.Sprintf("%s %s %d %s", a.Action, a.Name, a.Version, a.Actor))
	}
	want := []string{"activate intent 2 token:ops", "rollback intent 1 token:ops", "delete intent 2 token:ops"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit mismatch (-want +got):\n%s", diff)
	}
}

// TestConcurrentActivations fires activations of two versions at the
// same time: they are serialised, the last one wins everywhere, and
// both are audited.
func TestConcurrentActivations(t *testing.T) {
	e := newEnv(t, nil)
	for round := range 3 {
		var wg sync.WaitGroup
		for _, v := range []int{1, 2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.do(t, "POST", "/v1/models/intent/activate", adminToken, fmt.Sprintf(`{"version":%d}`, v))
				if r.status != 200 {
					t.Errorf("round %d: activate %d: %d %s", round, v, r.status, r.body)
				}
			}()
		}
		wg.Wait()
		audit, err := e.store.AuditLog(context.Background(), models.AuditQuery{Name: "intent", Last: 2})
		if err != nil {
			t.Fatal(err)
		}
		got := []int{audit[0].Version, audit[1].Version}
		slices.Sort(got)
		if !slices.Equal(got, []int{1, 2}) || audit[0].Action != "activate" || audit[1].Action != "activate" {
			t.Fatalf("round %d: last two audit entries = %+v, want activations of 1 and 2", round, audit)
		}
		last := audit[1].Version
		active, _ := e.store.Info(context.Background(), "intent", 0)
		if engine := e.live.Current().Versions()[0]; active.Version != last || engine != fmt.Sprintf("intent@%d", last) {
			t.Errorf("round %d: last audited activation %d, store active %d, engine %s; want all the same", round, last, active.Version, engine)
		}
	}
}

func TestKBImportEndpoint(t *testing.T) {
	e := newEnv(t, nil)
	arts := sampleArticles(t)
	bad := arts[0]
	bad.ID, bad.Body = "broken", "Hallo {{.Kundennummer}}"
	noLang := arts[1]
	noLang.ID, noLang.Lang = "no-lang", ""
	body := map[string]any{"articles": append(slices.Clone(arts[:10]), bad, noLang)}
	var out server.ImportResponse
	e.do(t, "POST", "/v1/kb/import", adminToken, body).ok(t, "import").json(t, &out)
	if out.Articles != 10 || len(out.Skipped) != 2 || out.Skipped[0].Index != 10 || out.Skipped[0].ID != "broken" ||
		!strings.Contains(out.Skipped[0].Error, "Kundennummer") || out.Engine.Articles != 10 || out.Engine.Generation != 2 {
		t.Errorf("import = %+v", out)
	}
	r := e.do(t, "POST", "/v1/kb/import", adminToken, map[string]any{"articles": []any{}})
	if r.status != 400 || r.error(t).Field != "articles" {
		t.Errorf("empty import = %d %s, want 400 on articles", r.status, r.body)
	}
	audit, _ := e.store.AuditLog(context.Background(), models.AuditQuery{Last: 1})
	if len(audit) != 1 || audit[0].Action != "kb-import" || audit[0].Actor != "token:ops" {
		t.Errorf("audit after import = %+v", audit)
	}
}

func TestRetrainEndpoint(t *testing.T) {
	e := newEnv(t, nil)
	gift := []string{
		"Mein Gutscheincode wird im Warenkorb nicht akzeptiert.", "Wie löse ich meinen Geschenkgutschein ein?",
		"Der Gutschein funktioniert nicht, Code ungültig.", "Kann ich zwei Gutscheine kombinieren?",
		"Wo gebe ich den Gutscheincode ein?", "Mein Geschenkgutschein ist angeblich abgelaufen.",
		"My gift card code is rejected at checkout.", "How do I redeem my gift card?",
		"The gift voucher says invalid code.", "Where do I enter my gift card number?",
	}
	for i, text := range gift {
		e.do(t, "POST", "/v1/feedback", clientToken, map[string]any{"message_id": fmt.Sprint("g", i), "intent": "gift_card", "text": text}).ok(t, "feedback")
	}
	r := e.do(t, "POST", "/v1/retrain", adminToken, `{"name":"nope"}`)
	if r.status != 400 || r.error(t).Field != "name" {
		t.Errorf("retrain of an unknown model = %d %s", r.status, r.body)
	}
	var rep antwort.RetrainReport
	e.do(t, "POST", "/v1/retrain", adminToken, nil).ok(t, "retrain").json(t, &rep)
	if !rep.Promoted || rep.Candidate != 3 || !slices.Contains(rep.NewLabels, "gift_card") {
		t.Fatalf("retrain = %+v", rep)
	}
	var res antwort.Result
	e.do(t, "POST", "/v1/classify", clientToken, `{"text":"Mein Gutscheincode wird nicht akzeptiert."}`).ok(t, "classify").json(t, &res)
	if res.Intent.Label != "gift_card" || res.Intent.Model != "intent@3" {
		t.Errorf("after retrain classify = %s by %s, want gift_card by intent@3", res.Intent.Label, res.Intent.Model)
	}
	metrics := string(e.do(t, "GET", "/metrics", clientToken, nil).ok(t, "metrics").body)
	if !strings.Contains(metrics, `antwort_model_info{name="intent",version="3"} 1`) {
		t.Errorf("metrics do not show intent version 3")
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, nil)
	for range 3 {
		e.do(t, "POST", "/v1/suggest", clientToken, cancelJSON).ok(t, "suggest")
	}
	e.do(t, "POST", "/v1/suggest", "", cancelJSON)
	m := string(e.do(t, "GET", "/metrics", clientToken, nil).ok(t, "metrics").body)
	for _, want := range []string{
		`antwort_http_requests_total{code="200",method="POST",route="POST /v1/suggest"} 3`,
		`antwort_http_requests_total{code="401",method="POST",route="POST /v1/suggest"} 1`,
		`antwort_http_request_duration_seconds_bucket{route="POST /v1/suggest",le="+Inf"} 4`,
		`antwort_decisions_total{action="`,
		`intent="cancel_contract"} 3`,
		`antwort_model_info{name="intent",version="1"} 1`,
		`antwort_model_info{name="sentiment",version="1"} 1`,
		`antwort_engine_generation 1`,
		`antwort_build_info{commit="",go_version="go`,
		`version="test"} 1`,
		`antwort_knowledge_base_articles 24`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestGracefulShutdown cancels Serve's context while a request is being
// sent: the request is answered, new connections are refused, and
// Serve returns nil after flushing.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", url+"/v1/suggest", pr)
	req.Header.Set("Authorization", "Bearer "+clientToken)
	done := make(chan response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- response{status: -1, body: []byte(err.Error())}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- response{status: resp.StatusCode, body: b}
	}()
	half := len(cancelJSON) / 2
	if _, err := io.WriteString(pw, cancelJSON[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server is now reading the body
	cancel()
	time.Sleep(100 * time.Millisecond)
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Errorf("a new request after shutdown began was accepted")
	}
	if _, err := io.WriteString(pw, cancelJSON[half:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-done
	if r.status != 200 || !strings.Contains(string(r.body), "cancel_contract") {
		t.Errorf("in-flight request during shutdown = %d %s, want 200", r.status, r.body)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve() = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
	if _, ok, err := e.store.SeenMessage(context.Background(), "c1"); !ok || err != nil {
		t.Errorf("the answered message was not flushed at shutdown: %v, %v", ok, err)
	}
}

// TestRunReloadsAndRetrains runs the background loop: a knowledge base
// changed on disk by another process is picked up, and with RetrainEvery
// new feedback leads to a retrained, promoted model.
func TestRunReloadsAndRetrains(t *testing.T) {
	e := newEnv(t, func(o *server.Options) { o.RetrainEvery = 300 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- e.srv.Run(ctx) }()

	arts := sampleArticles(t)[:6]
	if _, err := kb.Import(context.Background(), filepath.Join(e.dir, "kb"), arts, nil); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Gutscheincode geht nicht", "Geschenkgutschein einlösen?", "gift card rejected", "redeem my gift card", "voucher code invalid"} {
		e.do(t, "POST", "/v1/feedback", clientToken, map[string]any{"message_id": text, "intent": "gift_card", "text": text}).ok(t, "feedback")
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, _ := e.live.State()
		if st.Articles == len(arts) && slices.Contains(st.Versions, "intent@3") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("engine after waiting = %+v; want %d articles and intent@3 from the scheduled retrain", st, len(arts))
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run() = %v", err)
	}
	audit, _ := e.store.AuditLog(context.Background(), models.AuditQuery{Name: "intent", Last: 1})
	if len(audit) != 1 || audit[0].Action != antwort.AuditRetrain || !strings.HasPrefix(audit[0].Actor, "server:schedule") {
		t.Errorf("last intent audit entry = %+v, want a scheduled retrain", audit)
	}
}

// TestMaxInFlight holds the only slot with a request whose body is still
// coming: a second request waits for it instead of running beside it.
func TestMaxInFlight(t *testing.T) {
	e := newEnv(t, func(o *server.Options) { o.MaxInFlight = 1 })
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", e.http.URL+"/v1/classify", pr)
	req.Header.Set("Authorization", "Bearer "+clientToken)
	first := make(chan int, 1)
	go func() {
		resp, err := e.http.Client().Do(req)
		if err != nil {
			first <- -1
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	if _, err := io.WriteString(pw, `{"text": "Wo ist `); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the first request holds the slot, reading its body
	second := make(chan response, 1)
	go func() { second <- e.do(t, "POST", "/v1/classify", clientToken, `{"text":"Danke!"}`) }()
	select {
	case r := <-second:
		t.Fatalf("second request answered (%d) while the only slot was taken", r.status)
	case <-time.After(300 * time.Millisecond):
	}
	io.WriteString(pw, `mein Paket?"}`)
	pw.Close()
	if code := <-first; code != 200 {
		t.Errorf("first request: %d", code)
	}
	if r := <-second; r.status != 200 {
		t.Errorf("second request after the first: %d %s", r.status, r.body)
	}
}
