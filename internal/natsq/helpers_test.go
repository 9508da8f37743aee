package natsq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
)

const (
	demoTrain = "../../testdata/demo/train.jsonl"
	demoInbox = "../../testdata/demo/inbox.jsonl"
	sampleKB  = "../../testdata/kb"
	mailDir   = "../../testdata/mail"
)

// natsServer is an embedded nats-server with JetStream on 127.0.0.1,
// storage in a temporary directory; it can be stopped and started again
// on the same port with the same storage.
type natsServer struct {
	t    *testing.T
	opts server.Options
	srv  *server.Server
	url  string
}

func startNATS(t *testing.T, mod func(*server.Options)) *natsServer {
	t.Helper()
	opts := server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	if mod != nil {
		mod(&opts)
	}
	n := &natsServer{t: t, opts: opts}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *natsServer) start() {
	n.t.Helper()
	s, err := server.NewServer(&n.opts)
	if err != nil {
		n.t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		n.t.Fatal("nats-server not ready")
	}
	n.srv = s
	addr := s.Addr().(*net.TCPAddr)
	n.opts.Port = addr.Port // the same port after a restart
	n.url = "nats://127.0.0.1:" + strconv.Itoa(addr.Port)
}

func (n *natsServer) stop() {
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
		n.srv = nil
	}
}

// connect connects and runs Setup.
func connect(t *testing.T, url string) *Conn {
	t.Helper()
	ctx := context.Background()
	c, err := Connect(ctx, url, ConnectOptions{Retry: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := Setup(ctx, c.JS, SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	modelOnce sync.Once
	modelBlob []byte
	modelErr  error
)

// intentModel trains (once per test binary) an intent model on the demo
// corpus and returns a fresh copy.
func intentModel(t *testing.T) *classifier.Model {
	t.Helper()
	modelOnce.Do(func() {
		ls, _, err := ingest.ReadLabeled(context.Background(), demoTrain, ingest.Options{LabelFallback: "intent"})
		if err != nil {
			modelErr = err
			return
		}
		exs := make([]classifier.Example, len(ls))
		for i, l := range ls {
			exs[i] = classifier.Example{Text: l.Text, Label: l.Label}
		}
		m, err := classifier.Train(context.Background(), exs, classifier.Options{C: 1, Folds: 2, Seed: 1})
		if err != nil {
			modelErr = err
			return
		}
		modelBlob, modelErr = m.MarshalBinary()
	})
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	m, err := classifier.UnmarshalModel(modelBlob)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// articles reads the sample knowledge base.
func articles(t *testing.T) []kb.Article {
	t.Helper()
	arts, probs, err := kb.ReadArticles(context.Background(), sampleKB, kb.ReadOptions{})
	if err != nil || len(probs) > 0 {
		t.Fatalf("read %s: %v %v", sampleKB, err, probs)
	}
	return arts
}

// kbDir imports the sample knowledge base into a temporary directory.
func kbDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kb")
	if _, err := kb.Import(context.Background(), dir, articles(t), nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// localEngine is a WorkerConfig.Local with the demo intent model as
// version v.
func localEngine(t *testing.T, v int) func(context.Context) (*antwort.Engine, string, error) {
	m := intentModel(t)
	return func(context.Context) (*antwort.Engine, string, error) {
		e, err := antwort.New(antwort.Config{Intent: m, IntentVersion: v, Explain: -1})
		return e, "local:test", err
	}
}

// smtpSink is an SMTP server on loopback that records what it accepts.
// With refuse set it answers the data with a temporary error (451); with
// hang set it records the message and then waits that long before
// answering, so a sender with a shorter timeout cannot know whether it
// arrived.
type smtpSink struct {
	mu     sync.Mutex
	msgs   [][]byte
	addr   string
	refuse bool
	hang   time.Duration
}

type sinkSession struct{ s *smtpSink }

func (ss *sinkSession) AuthMechanisms() []string             { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Reset()                               {}
func (ss *sinkSession) Logout() error                        { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	if ss.s.refuse {
		ss.s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, Message: "try later"}
	}
	ss.s.msgs = append(ss.s.msgs, b)
	hang := ss.s.hang
	ss.s.mu.Unlock()
	time.Sleep(hang)
	return nil
}

func startSink(t *testing.T) *smtpSink {
	t.Helper()
	sink := &smtpSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close(); <-done })
	return sink
}

func (s *smtpSink) set(refuse bool, hang time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse, s.hang = refuse, hang
}

func (s *smtpSink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

// mail returns a customer mail with the demo inbox text i.
func genMail(i int, text string) []byte {
	return fmt.Appendf(nil, "From: Kunde %d <kunde%d@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Anfrage %d\r\n"+
		"Message-ID: <m%d@kunde.example>\r\nDate: Mon, 2 Mar 2026 10:%02d:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		i, i, i, i, i%60, text)
}

// decisions reads every record of the decisions stream.
func decisions(t *testing.T, js jetstream.JetStream) []Decision {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, DecisionsStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := js.Stream(ctx, DecisionsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []Decision
	for uint64(len(out)) < info.State.Msgs {
		b, err := cons.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range b.Messages() {
			n++
			var d Decision
			if err := jsonUnmarshal(m.Data(), &d); err != nil {
				t.Fatalf("decision is not JSON: %v: %.100s", err, m.Data())
			}
			out = append(out, d)
		}
		if n == 0 {
			t.Fatalf("read %d of %d decisions", len(out), info.State.Msgs)
		}
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
