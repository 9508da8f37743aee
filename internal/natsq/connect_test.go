package natsq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
)

// TestConnectUnreachable connects to a port where nothing listens: Connect
// retries with backoff for its Retry time, then fails with ErrUnreachable
// naming the URL without its password.
func TestConnectUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	_, err = Connect(context.Background(), "nats://user:secret@"+addr, ConnectOptions{Retry: 1500 * time.Millisecond})
	took := time.Since(start)
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), addr) ||
		!strings.Contains(err.Error(), "attempt") {
		t.Errorf("Connect = %v", err)
	}
	if took < time.Second || took > 5*time.Second {
		t.Errorf("gave up after %s, want about 1.5 s", took)
	}
	// Cancelled while retrying: the context's error at once.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := Connect(ctx, "nats://"+addr, ConnectOptions{Retry: time.Minute}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Connect with a cancelled context = %v", err)
	}
}

// TestConnectComesUp starts the server while Connect is retrying.
func TestConnectComesUp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	go func() {
		time.Sleep(700 * time.Millisecond)
		startNATS(t, func(o *server.Options) { o.Port = port })
	}()
	c, err := Connect(context.Background(), fmt.Sprintf("nats://127.0.0.1:%d", port), ConnectOptions{Retry: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestConnectWithoutJetStream gets a clear error from a server without
// JetStream, and no retries for a refused password.
func TestConnectWithoutJetStream(t *testing.T) {
	ns := startNATS(t, func(o *server.Options) { o.JetStream = false })
	if _, err := Connect(context.Background(), ns.url, ConnectOptions{}); !errors.Is(err, ErrNoJetStream) || !strings.Contains(err.Error(), "-js") {
		t.Errorf("Connect = %v", err)
	}
	auth := startNATS(t, func(o *server.Options) { o.Username, o.Password = "antwort", "right" })
	start := time.Now()
	_, err := Connect(context.Background(), strings.Replace(auth.url, "nats://", "nats://antwort:wrong@", 1), ConnectOptions{Retry: time.Minute})
	if err == nil || errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "wrong") || time.Since(start) > 10*time.Second {
		t.Errorf("Connect with a wrong password = %v after %s", err, time.Since(start))
	}
}

// TestSetupIdempotent runs Setup twice and checks the retention of what
// it created.
func TestSetupIdempotent(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	if err := Setup(ctx, c.JS, SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]jetstream.RetentionPolicy{InboundStream: jetstream.WorkQueuePolicy, DecisionsStream: jetstream.LimitsPolicy,
		OutboxStream: jetstream.WorkQueuePolicy, DeadStream: jetstream.LimitsPolicy}
	for name, ret := range want {
		st, err := c.JS.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		cfg := st.CachedInfo().Config
		if cfg.Retention != ret || cfg.Duplicates != DefaultDuplicates || cfg.Storage != jetstream.FileStorage {
			t.Errorf("%s: retention %v, duplicates %v, storage %v", name, cfg.Retention, cfg.Duplicates, cfg.Storage)
		}
	}
	if _, err := c.JS.KeyValue(ctx, ClaimsBucket); err != nil {
		t.Error(err)
	}
	for _, b := range []string{ModelsBucket, MailBucket} {
		if _, err := c.JS.ObjectStore(ctx, b); err != nil {
			t.Error(err)
		}
	}
}

// TestReconnectNoLoss stops the NATS server in the middle of a run and
// starts it again on the same port and storage: the workers reconnect,
// report it in their health, and every message is decided exactly once.
func TestReconnectNoLoss(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	const n = 400
	publishMails(t, c, 0, n)
	k := kbDir(t)
	ws, _ := runWorkers(t, 2, func(i int) WorkerConfig {
		wc := connect(t, ns.url)
		return WorkerConfig{Conn: wc, Name: fmt.Sprintf("w%d", i), KBDir: k, Local: localEngine(t, 1), InFlight: 4, AckWait: 3 * time.Second}
	})
	waitFor(t, time.Minute, "some decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= 60 })
	ns.stop()
	waitFor(t, 10*time.Second, "workers see the lost connection", func() bool { return ws[0].Health().Status == "disconnected" })
	time.Sleep(time.Second)
	ns.start()
	waitFor(t, 2*time.Minute, "all decided", func() bool {
		return streamMsgs(t, c, DecisionsStream) >= n && streamMsgs(t, c, InboundStream) == 0
	})
	ids := map[string]int{}
	for _, d := range decisions(t, c.JS) {
		ids[d.ID]++
	}
	for id, k := range ids {
		if k != 1 {
			t.Errorf("%s decided %d times", id, k)
		}
	}
	if len(ids) != n {
		t.Errorf("%d messages decided, want %d", len(ids), n)
	}
	if h := ws[0].Health(); h.Status != "ok" || !h.Connected {
		t.Errorf("health after reconnect: %+v", h)
	}
}

// TestDrainOnStop stops a worker in the middle of a run: Run returns after
// the messages it fetched are decided and acknowledged, nothing is left
// unacknowledged, and a second worker decides the rest, each message once.
func TestDrainOnStop(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	const n = 300
	publishMails(t, c, 0, n)
	k := kbDir(t)
	_, stop := runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: k, Local: localEngine(t, 1), InFlight: 8, AckWait: time.Minute}
	})
	waitFor(t, time.Minute, "some decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= 50 })
	stop()
	ctx := context.Background()
	cons, err := c.JS.Consumer(ctx, InboundStream, WorkersConsumer)
	if err != nil {
		t.Fatal(err)
	}
	// The server has every acknowledgement (the worker flushed its
	// connection), but applies them to the consumer and removes the
	// acknowledged messages asynchronously: give it a moment.
	var info *jetstream.ConsumerInfo
	var decided, left uint64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if info, err = cons.Info(ctx); err != nil {
			t.Fatal(err)
		}
		decided, left = streamMsgs(t, c, DecisionsStream), streamMsgs(t, c, InboundStream)
		if info.NumAckPending == 0 && decided+left == n || time.Now().After(deadline) {
			break
		}
	}
	if info.NumAckPending != 0 || decided+left != n || left == 0 {
		t.Fatalf("after the drain: %d unacknowledged, %d decided, %d left (of %d)", info.NumAckPending, decided, left, n)
	}
	runWorkers(t, 1, func(int) WorkerConfig { return WorkerConfig{Conn: c, KBDir: k, Local: localEngine(t, 1)} })
	waitFor(t, time.Minute, "the rest decided", func() bool { return streamMsgs(t, c, InboundStream) == 0 })
	if d := streamMsgs(t, c, DecisionsStream); d != n {
		t.Errorf("%d decisions, want %d", d, n)
	}
}

// TestHealthAndMetrics reads /healthz and /metrics of a working worker.
func TestHealthAndMetrics(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	publishMails(t, c, 0, 20)
	ws, _ := runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, Name: "w-health", KBDir: kbDir(t), Local: localEngine(t, 2)}
	})
	waitFor(t, time.Minute, "decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= 20 })
	srv := httptest.NewServer(ws[0].Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := get("/healthz")
	if code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"worker":"w-health"`) ||
		!strings.Contains(body, `"intent@2"`) || !strings.Contains(body, `"processed":20`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, body = get("/metrics")
	for _, want := range []string{`antwort_worker_messages_total{result="decided"} 20`, `antwort_model_info{name="intent",version="2"} 1`,
		`antwort_model_info{name="sentiment",version="lexicon"} 1`, `antwort_worker_push_info{push=""} 1`, "antwort_engine_generation 1",
		"antwort_build_info{", "antwort_worker_nats_connected 1", "antwort_worker_message_duration_seconds_count 20", "antwort_decisions_total{action="} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if code != 200 {
		t.Errorf("/metrics: %d", code)
	}
}
