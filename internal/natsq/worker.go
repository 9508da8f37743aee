package natsq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
)

// WorkerConfig configures a Worker. Conn and KBDir are required; the
// zero value of every other field means its default.
type WorkerConfig struct {
	// Conn is the NATS connection; Setup must have run on it.
	Conn *Conn

	// Name identifies the worker in decisions, claims, dead letters and
	// the server's monitoring (default host-pid).
	Name string

	// InFlight bounds the inbound messages this worker has fetched and
	// not yet acknowledged (default 8×GOMAXPROCS: a message spends most
	// of its time waiting for the stream to store its decision, so a
	// worker needs several per core to keep the cores busy).
	InFlight int
	// AckWait is how long the server waits for an acknowledgement before
	// it delivers a message again, to another worker (default 30 s).
	// Setting it updates the shared consumer.
	AckWait time.Duration
	// MaxAckPending bounds the unacknowledged messages of all workers
	// together (default 1000): at least the sum of their InFlight.
	MaxAckPending int
	// MaxAttempts is how often a message is tried before it goes to the
	// dead-letter stream with the last error (default 5). A message
	// that is not a mail or post goes there at once.
	MaxAttempts int
	// FetchWait is how long one pull request waits for messages
	// (default 1 s); it bounds how long a drain waits for the last one.
	FetchWait time.Duration
	// DrainTimeout is how long the messages in flight get to finish
	// when Run's ctx is done (default 30 s); what is not finished by
	// then is left unacknowledged and delivered again to another worker.
	DrainTimeout time.Duration

	// KBDir is the worker's knowledge base directory. A push with a
	// knowledge base replaces its content (kb.Import: atomic, readers
	// keep the old index until they reopen).
	KBDir string
	// KBTimeout bounds waiting for the knowledge base's lock (default
	// kb.DefaultTimeout).
	KBTimeout time.Duration
	// Local returns the engine (classification only) to run when
	// nothing was pushed yet, or when the push cannot be used at start,
	// and names where it came from ("local:worker.db"). Nil: wait for a
	// push.
	Local func(ctx context.Context) (*antwort.Engine, string, error)
	// Policy is the reply policy (default reply.DefaultPolicy()).
	Policy *reply.Policy
	// Ingest configures parsing (own domains, loop id, limits).
	Ingest ingest.Options

	// Reply builds the reply to a message the policy sends; nil queues
	// no replies (decisions only).
	Reply func(*ingest.Message, *antwort.Suggestion) outbox.Reply
	// Sender, when set, makes this worker deliver replies from the
	// outbox stream too, SendInFlight at a time (default 4).
	Sender       *outbox.Sender
	SendInFlight int

	// PushPoll is how often the manifest is checked besides watching it
	// (default 10 s), in case the watch missed an update.
	PushPoll time.Duration

	// Logger receives logs; nil discards.
	Logger *slog.Logger
}

// Worker decides the messages of the inbound stream: the durable pull
// consumer WorkersConsumer, shared by all workers (each message goes to
// one of them), with at most InFlight messages fetched per worker. For
// each message it parses the mail or post, runs Engine.Suggest, queues
// the reply on the outbox stream if the policy sends one, publishes the
// decision, and only then acknowledges the message. A message not
// acknowledged within AckWait (the worker died) is delivered again; the
// outbox and decisions streams drop the repeated reply and decision by
// their Nats-Msg-Id. See the package documentation.
type Worker struct {
	cfg     WorkerConfig
	log     *slog.Logger
	js      jetstream.JetStream
	m       *metrics
	gens    engines
	limiter reply.Limiter // set by Run: a Limiter over AnswersBucket

	mail     jetstream.ObjectStore
	claims   jetstream.KeyValue
	ids      jetstream.KeyValue
	outboxSt jetstream.Stream

	draining  atomic.Bool
	processed atomic.Int64
	inFlight  atomic.Int64 // inbound messages fetched, not finished
	refused   atomic.Pointer[refusal]
	loadMu    sync.Mutex // serialises loading pushes
	started   time.Time
	beat      chan struct{} // wakes the heartbeat after a model swap
}

type refusal struct {
	Push   string    `json:"push"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// NewWorker checks cfg and returns a Worker. It starts nothing; see Run.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.Conn == nil || cfg.Conn.JS == nil {
		return nil, errors.New("natsq: worker needs a connection")
	}
	if cfg.KBDir == "" {
		return nil, errors.New("natsq: worker needs a knowledge base directory")
	}
	if cfg.Name == "" {
		h, _ := os.Hostname()
		cfg.Name = fmt.Sprintf("%s-%d", h, os.Getpid())
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = 8 * runtime.GOMAXPROCS(0)
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = DefaultAckWait
	}
	if cfg.MaxAckPending <= 0 {
		cfg.MaxAckPending = DefaultMaxAckPending
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.FetchWait <= 0 {
		cfg.FetchWait = time.Second
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	if cfg.SendInFlight <= 0 {
		cfg.SendInFlight = 4
	}
	if cfg.PushPoll <= 0 {
		cfg.PushPoll = 10 * time.Second
	}
	if cfg.Policy == nil {
		p := reply.DefaultPolicy()
		cfg.Policy = &p
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Worker{cfg: cfg, log: cfg.Logger.With(slog.String("worker", cfg.Name)), js: cfg.Conn.JS, m: newMetrics(),
		started: time.Now(), beat: make(chan struct{}, 1)}
	return w, nil
}

// Name returns the worker's name.
func (w *Worker) Name() string { return w.cfg.Name }

// Disconnected and Reconnected update the connection metrics; wire them
// to ConnectOptions.OnDisconnect and OnReconnect.
func (w *Worker) Disconnected(error) { w.m.connected.Set(0) }

// Reconnected: see Disconnected.
func (w *Worker) Reconnected() {
	w.m.connected.Set(1)
	w.m.reconnects.Inc()
}

// Run works until ctx is done, then stops fetching, lets the messages in
// flight finish (DrainTimeout) and returns nil. Before the first message
// it loads the models: the current push, else Local; without either it
// waits for a push. It returns an error when the consumer cannot be set
// up or the models cannot be loaded at all.
func (w *Worker) Run(ctx context.Context) error {
	js := w.js
	var err error
	if w.mail, err = js.ObjectStore(ctx, MailBucket); err != nil {
		return fmt.Errorf("natsq: object store %s (run Setup first): %w", MailBucket, err)
	}
	if w.claims, err = js.KeyValue(ctx, ClaimsBucket); err != nil {
		return fmt.Errorf("natsq: bucket %s (run Setup first): %w", ClaimsBucket, err)
	}
	if w.ids, err = js.KeyValue(ctx, IDsBucket); err != nil {
		return fmt.Errorf("natsq: bucket %s (run Setup first): %w", IDsBucket, err)
	}
	answers, err := js.KeyValue(ctx, AnswersBucket)
	if err != nil {
		return fmt.Errorf("natsq: bucket %s (run Setup first): %w", AnswersBucket, err)
	}
	if err := checkAnswersTTL(ctx, answers, w.cfg.Policy.RateLimit.Per); err != nil {
		return err
	}
	w.limiter = NewLimiter(answers, w.cfg.Policy.RateLimit.Per)
	if w.outboxSt, err = js.Stream(ctx, OutboxStream); err != nil {
		return fmt.Errorf("natsq: stream %s (run Setup first): %w", OutboxStream, err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, InboundStream, jetstream.ConsumerConfig{
		Durable: WorkersConsumer, Description: "antwort workers (shared)", AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: w.cfg.AckWait, MaxAckPending: w.cfg.MaxAckPending, MaxDeliver: -1, FilterSubject: InboundPrefix + ".>",
		DeliverPolicy: jetstream.DeliverAllPolicy, MaxWaiting: 512,
	})
	if err != nil {
		return fmt.Errorf("natsq: consumer %s on %s: %w", WorkersConsumer, InboundStream, err)
	}
	if w.cfg.Conn.NC.IsConnected() {
		w.m.connected.Set(1)
	}
	defer w.gens.close()

	// Models: the current push, else the local store, else wait.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if err := w.loadInitial(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		w.watch(watchCtx)
	}()
	go func() {
		defer wg.Done()
		w.heartbeat(watchCtx)
	}()
	defer wg.Wait()
	if _, ok := w.gens.current(); !ok {
		w.log.Warn("no models yet: waiting for 'antwort models push'")
		for {
			if _, ok := w.gens.current(); ok {
				break
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(100 * time.Millisecond):
			}
		}
	}

	if w.cfg.Sender != nil {
		scons, err := js.CreateOrUpdateConsumer(ctx, OutboxStream, jetstream.ConsumerConfig{
			Durable: SendersConsumer, Description: "antwort reply senders (shared)", AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: w.cfg.AckWait, MaxAckPending: w.cfg.MaxAckPending, MaxDeliver: -1,
			FilterSubject: OutboxPrefix + ".>", DeliverPolicy: jetstream.DeliverAllPolicy, MaxWaiting: 512,
		})
		if err != nil {
			return fmt.Errorf("natsq: consumer %s on %s: %w", SendersConsumer, OutboxStream, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.consume(ctx, scons, "outbox", w.cfg.SendInFlight, w.handleReply)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.pollPending(ctx, cons)
	}()
	w.log.Info("working", slog.Int("in_flight", w.cfg.InFlight))
	w.consume(ctx, cons, "inbound", w.cfg.InFlight, w.handleInbound)
	w.draining.Store(true)
	stopWatch()
	return nil
}

// pollPending records the consumer's backlog for the metrics.
func (w *Worker) pollPending(ctx context.Context, cons jetstream.Consumer) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if info, err := cons.Info(ictx); err == nil {
			w.m.pending.WithLabelValues(WorkersConsumer).Set(float64(info.NumPending))
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// consume fetches from cons with at most limit messages fetched and not
// finished, handling each on its own goroutine, until ctx is done; then it
// waits for the handlers (DrainTimeout, after which their context is
// cancelled).
func (w *Worker) consume(ctx context.Context, cons jetstream.Consumer, stream string, limit int, handle func(context.Context, jetstream.Msg)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	procCtx, cancelProc := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelProc()
	gauge := w.m.inFlight.WithLabelValues(stream)
	var count *atomic.Int64
	if stream == "inbound" {
		count = &w.inFlight
	}
	failed := 0 // fetches that failed in a row
	for ctx.Err() == nil {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		n := 1
	fill:
		for n < limit {
			select {
			case sem <- struct{}{}:
				n++
			default:
				break fill
			}
		}
		batch, err := cons.Fetch(n, jetstream.FetchMaxWait(w.cfg.FetchWait))
		if err != nil {
			for range n {
				<-sem
			}
			w.log.Debug("fetch", slog.String("stream", stream), slog.String("err", err.Error()))
			failed++
			sleep(ctx, fetchBackoff.after(failed))
			continue
		}
		got := 0
		for m := range batch.Messages() {
			got++
			wg.Add(1)
			gauge.Inc()
			if count != nil {
				count.Add(1)
			}
			go func() {
				stop := keepAlive(m, w.cfg.AckWait/3)
				defer func() {
					stop()
					gauge.Dec()
					if count != nil {
						count.Add(-1)
					}
					<-sem
					wg.Done()
				}()
				handle(procCtx, m)
			}()
		}
		for range n - got {
			<-sem
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			w.log.Debug("fetch", slog.String("stream", stream), slog.String("err", err.Error()))
			failed++
			sleep(ctx, fetchBackoff.after(failed))
			continue
		}
		failed = 0
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(w.cfg.DrainTimeout):
		w.log.Warn("drain timeout: messages still in flight are left to be delivered again", slog.String("stream", stream))
		cancelProc()
		<-done
	}
	// Acknowledgements are sent without waiting for the server; a round
	// trip makes sure it has every one of them before the worker stops.
	if nc := w.js.Conn(); nc != nil && nc.IsConnected() {
		if err := nc.FlushTimeout(5 * time.Second); err != nil {
			w.log.Warn("flush after the drain", slog.String("stream", stream), slog.String("err", err.Error()))
		}
	}
}

// keepAlive tells the server every interval that m is still being
// worked on (a slow SMTP server, a huge mail), so it is not delivered to
// another worker after AckWait; stop ends it.
func keepAlive(m jetstream.Msg, every time.Duration) (stop func()) {
	var (
		mu      sync.Mutex
		stopped bool
		t       *time.Timer
	)
	mu.Lock()
	defer mu.Unlock()
	t = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		_ = m.InProgress()
		t.Reset(every)
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}

// permanentError marks a failure that another attempt cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// Decision is one record on the decisions stream: the suggestion (as
// "antwort batch" writes it) and what decided it.
type Decision struct {
	*antwort.Suggestion
	Source string `json:"source,omitempty"`
	Auto   string `json:"auto,omitempty"`
	// Outbox is the key of the reply queued on the outbox stream, or why
	// none was ("not queued: no sender address to answer").
	Outbox string `json:"outbox,omitempty"`
	// Warnings are the message's: why it has no reply address or no text.
	Warnings []string `json:"warnings,omitempty"`
	// Models is what decided: push, model versions, knowledge base.
	Models ModelRef `json:"models"`
	Worker string   `json:"worker,omitempty"`
	// Seq and Attempt are the inbound stream sequence and the delivery
	// attempt (1 unless a worker died or failed on it before).
	Seq     uint64 `json:"seq,omitempty"`
	Attempt int    `json:"attempt,omitempty"`
	Note    string `json:"note,omitempty"`
	// ReusedID is set when a different message with this Message-ID was
	// decided before: this one is decided all the same, with a reply key
	// of its own.
	ReusedID bool `json:"reused_id,omitempty"`
}

// handleInbound processes one inbound message and acknowledges it, asks
// for it again later, or dead-letters it.
func (w *Worker) handleInbound(ctx context.Context, m jetstream.Msg) {
	start := time.Now()
	meta, err := m.Metadata()
	if err != nil {
		w.log.Error("message without JetStream metadata", slog.String("subject", m.Subject()))
		return
	}
	attempt := int(meta.NumDelivered)
	if attempt > w.cfg.MaxAttempts {
		w.deadInbound(ctx, m, meta, fmt.Sprintf("delivered %d times and never acknowledged: a worker died on it or took longer than AckWait (%s)",
			attempt-1, w.cfg.AckWait))
		return
	}
	err = w.decide(ctx, m, meta)
	var perm *permanentError
	switch {
	case err == nil:
		w.processed.Add(1)
		w.m.latency.Observe(time.Since(start).Seconds())
	case errors.As(err, &perm):
		w.deadInbound(ctx, m, meta, err.Error())
	case ctx.Err() != nil:
		_ = m.Nak() // draining ran out of time: let another worker take it now
	case attempt >= w.cfg.MaxAttempts:
		w.deadInbound(ctx, m, meta, fmt.Sprintf("failed %d times; last error: %v", attempt, err))
	default:
		w.m.messages.WithLabelValues("retried").Inc()
		w.log.Warn("message failed; it will be tried again", slog.Uint64("seq", meta.Sequence.Stream),
			slog.Int("attempt", attempt), slog.String("err", err.Error()))
		_ = m.NakWithDelay(retryDelay(attempt))
	}
}

// decide parses, suggests, queues the reply, publishes the decision and
// acknowledges.
func (w *Worker) decide(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata) (err error) {
	msg, err := w.parse(ctx, m, meta)
	if err != nil {
		return err
	}
	ident, reused, err := w.identity(ctx, msg)
	if err != nil {
		return err
	}
	g, release := w.gens.acquire()
	defer release()
	if g == nil {
		return errors.New("no engine loaded")
	}
	s, err := suggest(ctx, g.eng, msg)
	if err != nil {
		return err
	}
	rec := Decision{Suggestion: s, Source: msg.Source, Auto: msg.Auto, Warnings: msg.Warnings, Models: g.ref, Worker: w.cfg.Name,
		Seq: meta.Sequence.Stream, Attempt: int(meta.NumDelivered), ReusedID: reused}
	if w.cfg.Reply != nil {
		key := ReplyKey(ident)
		switch {
		case s.Decision.Action == reply.Send && s.Draft != "":
			note, err := w.queueReply(ctx, msg, s, key)
			if err != nil {
				return err
			}
			rec.Outbox = note
		case rec.Attempt > 1 && w.replyQueued(ctx, key):
			// An earlier attempt decided to send and queued the reply
			// before it died; this one decided otherwise (a model swap,
			// the rate limit). The reply stands: say so.
			rec.Outbox = key
			rec.Note = "a reply was queued by an earlier attempt on this message"
		}
	}
	data, err := json.Marshal(&rec)
	if err != nil {
		return permanent(err)
	}
	action := string(s.Decision.Action)
	out := nats.NewMsg(DecisionsSubject + "." + action)
	out.Data = data
	out.Header.Set(HeaderMsgID, ident)
	out.Header.Set(HeaderMessageID, msg.ID)
	out.Header.Set(HeaderChannel, ChannelToken(msg.Channel))
	ack, err := w.js.PublishMsg(ctx, out)
	if err != nil {
		return fmt.Errorf("publish decision: %w", err)
	}
	if err := m.Ack(); err != nil {
		w.log.Warn("ack", slog.Uint64("seq", meta.Sequence.Stream), slog.String("err", err.Error()))
	}
	if ack.Duplicate {
		w.m.messages.WithLabelValues("duplicate").Inc()
	} else {
		w.m.messages.WithLabelValues("decided").Inc()
		w.m.decisions.WithLabelValues(action, s.Intent.Label).Inc()
	}
	return nil
}

// suggest runs Suggest and turns a panic into an error, so a message
// that trips a bug is retried and dead-lettered instead of killing the
// worker.
func suggest(ctx context.Context, eng *antwort.Engine, msg *ingest.Message) (s *antwort.Suggestion, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic while deciding: %v", r)
		}
	}()
	return eng.Suggest(ctx, msg)
}

// parse turns an inbound message into an ingest.Message. A message that is
// neither a mail nor a post gives a permanent error.
func (w *Worker) parse(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata) (*ingest.Message, error) {
	h := m.Headers()
	data := m.Data()
	if name := h.Get(HeaderObject); name != "" {
		b, err := w.mail.GetBytes(ctx, name)
		switch {
		case errors.Is(err, jetstream.ErrObjectNotFound):
			return nil, permanent(fmt.Errorf("the mail's object %s in %s is gone (older than the bucket's TTL?)", name, MailBucket))
		case err != nil:
			return nil, fmt.Errorf("read %s from %s: %w", name, MailBucket, err)
		}
		data = b
	}
	source := h.Get(HeaderSource)
	if source == "" {
		source = m.Subject() + "#" + strconv.FormatUint(meta.Sequence.Stream, 10)
	}
	ct := h.Get(HeaderContentType)
	var (
		msg *ingest.Message
		err error
	)
	if ct == TypePost || (ct == "" && bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))) {
		r, rerr := ingest.NewReader(bytes.NewReader(data), source, "jsonl", w.cfg.Ingest)
		if rerr != nil {
			return nil, permanent(rerr)
		}
		msg, err = r.Next(ctx)
		if err == nil && (msg.ID == "" || strings.HasPrefix(msg.ID, source+":")) {
			msg.ID = h.Get(HeaderMessageID)
			if msg.ID == "" {
				msg.ID = source
			}
		}
		if err == nil && msg.Channel == "" {
			msg.Channel = h.Get(HeaderChannel)
		}
	} else {
		msg, err = ingest.Parse(ctx, bytes.NewReader(data), w.cfg.Ingest)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, permanent(fmt.Errorf("%w: %w", ErrNotMessage, err))
	}
	msg.Source = source
	return msg, nil
}

// ReplyKey is the key of the reply to the message with the given id: its
// outbox subject token, claim key and de-duplication id. It is the
// outbox.KeyFor of the id without the ".antwort" suffix.
func ReplyKey(id string) string {
	return strings.TrimSuffix(outbox.KeyFor(id), ".antwort")
}

// queueReply publishes the reply on the outbox stream (de-duplicated by
// key) and returns what the decision records.
func (w *Worker) queueReply(ctx context.Context, msg *ingest.Message, s *antwort.Suggestion, key string) (string, error) {
	r := w.cfg.Reply(msg, s)
	var buf bytes.Buffer
	if err := outbox.WriteEML(&buf, r); err != nil {
		if errors.Is(err, outbox.ErrNoRecipient) {
			return "not queued: no sender address to answer", nil
		}
		return "", permanent(fmt.Errorf("build reply: %w", err))
	}
	out := nats.NewMsg(OutboxSubject(key))
	out.Data = buf.Bytes()
	out.Header.Set(HeaderMsgID, key)
	out.Header.Set(HeaderReplyKey, key)
	out.Header.Set(HeaderInReplyTo, msg.ID)
	out.Header.Set(HeaderMessageID, msg.ID)
	ack, err := w.js.PublishMsg(ctx, out)
	if err != nil {
		return "", fmt.Errorf("queue reply: %w", err)
	}
	if !ack.Duplicate {
		w.m.replies.WithLabelValues("queued").Inc()
	}
	return key, nil
}

// replyQueued reports whether a reply with key is on the outbox stream or
// was claimed by a sender.
func (w *Worker) replyQueued(ctx context.Context, key string) bool {
	if _, err := w.outboxSt.GetLastMsgForSubject(ctx, OutboxSubject(key)); err == nil {
		return true
	}
	_, err := w.claims.Get(ctx, key)
	return err == nil
}

// deadInbound publishes m on the dead-letter stream with the reason and
// acknowledges it; if that fails, m is delivered again later.
func (w *Worker) deadInbound(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata, reason string) {
	ch := m.Headers().Get(HeaderChannel)
	if ch == "" {
		ch = strings.TrimPrefix(m.Subject(), InboundPrefix+".")
	}
	d := nats.NewMsg(DeadPrefix + ".in." + ChannelToken(ch))
	d.Data = m.Data()
	for k, v := range m.Headers() {
		if k != HeaderMsgID {
			d.Header[k] = v
		}
	}
	d.Header.Set(HeaderMsgID, "in:"+strconv.FormatUint(meta.Sequence.Stream, 10))
	d.Header.Set(HeaderError, reason)
	d.Header.Set(HeaderAttempts, strconv.FormatUint(meta.NumDelivered, 10))
	d.Header.Set(HeaderWorker, w.cfg.Name)
	d.Header.Set(HeaderSubject, m.Subject())
	d.Header.Set(HeaderSequence, strconv.FormatUint(meta.Sequence.Stream, 10))
	if _, err := w.js.PublishMsg(ctx, d); err != nil {
		w.log.Warn("dead-letter failed; the message will be delivered again", slog.Uint64("seq", meta.Sequence.Stream), slog.String("err", err.Error()))
		_ = m.NakWithDelay(retryDelay(1))
		return
	}
	if err := m.Ack(); err != nil {
		w.log.Warn("ack", slog.Uint64("seq", meta.Sequence.Stream), slog.String("err", err.Error()))
	}
	w.m.messages.WithLabelValues("dead").Inc()
	w.log.Warn("dead-lettered", slog.String("subject", m.Subject()), slog.Uint64("seq", meta.Sequence.Stream),
		slog.String("source", m.Headers().Get(HeaderSource)), slog.String("reason", reason))
}

// build opens the knowledge base in KBDir and makes base a full engine.
func (w *Worker) build(base *antwort.Engine, ref ModelRef) (*generation, error) {
	k, err := kb.Open(w.cfg.KBDir, &kb.Options{ReadOnly: true, Timeout: w.cfg.KBTimeout})
	if err != nil {
		return nil, err
	}
	eng, err := base.WithReplies(antwort.ReplyConfig{KB: k, Policy: w.cfg.Policy, Limiter: w.limiter})
	if err != nil {
		_ = k.Close()
		return nil, err
	}
	return &generation{eng: eng.WithExplain(0), kb: k, ref: ref}, nil
}
