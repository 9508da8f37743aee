package server_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

// TestMetricsLabelsBoundedAgainstUnknownMethods sends requests with
// made-up method names: each is answered, but none becomes a label value
// of its own, so no client can grow the metrics (and the memory) without
// bound.
func TestMetricsLabelsBoundedAgainstUnknownMethods(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 50 {
		r := e.do(t, fmt.Sprintf("M%06dXXX", i), "/healthz", "", nil)
		if r.status != http.StatusMethodNotAllowed {
			t.Fatalf("M%06dXXX /healthz = %d, want 405", i, r.status)
		}
		e.do(t, fmt.Sprintf("Q%06d", i), "/v1/no-such-path", clientToken, nil)
	}
	m := string(e.do(t, "GET", "/metrics", clientToken, nil).ok(t, "metrics").body)
	methods := map[string]bool{}
	for _, sm := range regexp.MustCompile(`method="([^"]*)"`).FindAllStringSubmatch(m, -1) {
		methods[sm[1]] = true
	}
	for meth := range methods {
		switch meth {
		case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "other":
		default:
			t.Errorf("method label %q: a client-chosen value became a series", meth)
		}
	}
	if !strings.Contains(m, `antwort_http_requests_total{code="405",method="other",route="unmatched"} 50`) {
		t.Errorf("the 50 unknown-method requests are not counted as method=\"other\":\n%s", grepLines(m, "antwort_http_requests_total"))
	}
	if !strings.Contains(m, `antwort_http_requests_total{code="404",method="other",route="unmatched"} 50`) {
		t.Errorf("unknown methods on unknown paths are not counted as method=\"other\", route=\"unmatched\":\n%s", grepLines(m, "antwort_http_requests_total"))
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestModelNamePathTraversalIsClientError sends model names that are no
// model names (an encoded "../", a slash, a name too long): each is a
// client error (400 or 404), never a 500.
func TestModelNamePathTraversalIsClientError(t *testing.T) {
	e := newEnv(t, nil)
	long := strings.Repeat("x", 300)
	for _, tt := range []struct{ method, path string }{
		{"POST", "/v1/models/..%2f..%2fetc/activate"},
		{"POST", "/v1/models/a%2Fb/activate"},
		{"POST", "/v1/models/" + long + "/activate"},
		{"POST", "/v1/models/..%2f..%2fetc/rollback"},
		{"DELETE", "/v1/models/..%2f..%2fetc/1"},
		{"GET", "/v1/models/..%2f..%2fetc/diff?a=1&b=2"},
	} {
		r := e.do(t, tt.method, tt.path, adminToken, `{"version":1}`)
		if r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
			t.Errorf("%s %s = %d %s, want 400 or 404", tt.method, tt.path, r.status, r.body)
		}
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestSlowBodyIsRequestTimeout sends half a body and stops: when the
// read timeout strikes the client gets 408, and the server logs a client
// problem, not an internal error.
func TestSlowBodyIsRequestTimeout(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *server.Options) {
		o.ReadTimeout = 500 * time.Millisecond
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-served
	}()
	for _, path := range []string{"/v1/suggest", "/v1/feedback", "/v1/models/intent/activate"} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"text\": \"Wo ", path, adminToken)
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer to a stalled body: %v", path, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("%s with a stalled body = %d, want 408", path, resp.StatusCode)
		}
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || !strings.Contains(l, "request_timeout") {
		t.Errorf("a slow client was logged as a server error, or not at all:\n%s", l)
	}
}

// TestHealthzWithoutAuthHidesKBPath keeps the server's file layout from
// anyone who can reach /healthz without a token.
func TestHealthzWithoutAuthHidesKBPath(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/healthz", "", nil).ok(t, "healthz")
	if strings.Contains(string(r.body), e.dir) || strings.Contains(string(r.body), `"kb"`) {
		t.Errorf("/healthz without a token shows the knowledge base path: %s", r.body)
	}
	if !strings.Contains(string(r.body), `"articles":24`) {
		t.Errorf("/healthz = %s, want the article count still", r.body)
	}
}

// TestFeedbackFreeTextRedacted stores an agent's comment, name and
// article ids with personal data and secrets removed, like the text.
func TestFeedbackFreeTextRedacted(t *testing.T) {
	e := newEnv(t, nil)
	body := `{"message_id":"f1","intent":"refund_request","text":"Bitte erstatten auf Karte 4111 1111 1111 1111",` +
		`"comment":"Kunde schrieb Passwort: Sommer2026 und Karte 4111-1111-1111-1111, Rückruf 0170 1234567, max@example.com",` +
		`"agent":"anna.berg@example.com","answer_used":"ref-max@example.com","declined":["x-0170 1234567","tel 4111111111111111"]}`
	e.do(t, "POST", "/v1/feedback", clientToken, body).ok(t, "feedback")
	log, err := e.store.FeedbackLog(context.Background(), models.FeedbackQuery{})
	if err != nil || len(log) != 1 {
		t.Fatalf("FeedbackLog() = %+v, %v", log, err)
	}
	f := log[0]
	stored := strings.Join(append([]string{f.Text, f.Comment, f.Agent, f.AnswerUsed}, f.Declined...), " | ")
	for _, secret := range []string{"4111", "Sommer2026", "0170", "max@example.com", "anna.berg"} {
		if strings.Contains(stored, secret) {
			t.Errorf("stored feedback keeps %q: %s", secret, stored)
		}
	}
	for _, token := range []string{"[KARTE]", "[PASSWORT]", "[TELEFON]", "[E-MAIL]"} {
		if !strings.Contains(stored, token) {
			t.Errorf("stored feedback lacks %s: %s", token, stored)
		}
	}
}

// TestMetricsPassPromlint lints what GET /metrics serves after every
// kind of request has been answered once.
func TestMetricsPassPromlint(t *testing.T) {
	e := newEnv(t, nil)
	e.do(t, "POST", "/v1/suggest", clientToken, cancelJSON).ok(t, "suggest")
	e.do(t, "POST", "/v1/classify", clientToken, cancelJSON).ok(t, "classify")
	e.do(t, "POST", "/v1/feedback", clientToken, `{"message_id":"c1","intent":"cancel_contract"}`).ok(t, "feedback")
	e.do(t, "POST", "/v1/reload", adminToken, nil).ok(t, "reload")
	if err := e.srv.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := e.do(t, "GET", "/metrics", clientToken, nil).ok(t, "metrics").body
	problems, err := promlint.New(bytes.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	for _, want := range []string{"antwort_build_info", "antwort_model_info", "antwort_decisions_total", "antwort_engine_generation",
		"antwort_knowledge_base_articles", "antwort_store_flush_duration_seconds", "antwort_seen_queued_messages"} {
		if !bytes.Contains(body, []byte("\n"+want)) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if bytes.Contains(body, []byte("antwort_kb_")) {
		t.Errorf("/metrics still says kb (kilobytes to promlint) for knowledge base")
	}
}
