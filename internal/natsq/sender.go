package natsq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/internal/outbox"
)

// Claim states.
const (
	// ClaimSending: a sender is delivering the reply, or died while it
	// was; the reply is not sent again until it is released.
	ClaimSending = "sending"
	// ClaimSent: the SMTP server accepted the reply.
	ClaimSent = "sent"
	// ClaimUncertain: the connection broke after the data was sent and
	// before the server answered; it may have arrived.
	ClaimUncertain = "uncertain"
	// ClaimFailed: the server refused the reply for good, or it failed
	// MaxAttempts times; it is on the dead-letter stream.
	ClaimFailed = "failed"
)

// Claim is the value of a reply's key in ClaimsBucket. A sender creates
// it (create-if-absent) before it hands the reply to the SMTP server; a
// second sender of the same reply finds it and does not send.
type Claim struct {
	Key       string    `json:"key"`
	State     string    `json:"state"`
	Worker    string    `json:"worker"`
	At        time.Time `json:"at"`
	MessageID string    `json:"message_id,omitempty"` // the customer's message
	Error     string    `json:"error,omitempty"`
}

func (c Claim) encode() []byte {
	b, _ := json.Marshal(c)
	return b
}

// handleReply delivers one reply from the outbox stream at most once.
func (w *Worker) handleReply(ctx context.Context, m jetstream.Msg) {
	meta, err := m.Metadata()
	if err != nil {
		return
	}
	key := m.Headers().Get(HeaderReplyKey)
	if key == "" {
		key = strings.TrimPrefix(m.Subject(), OutboxPrefix+".")
	}
	attempt := int(meta.NumDelivered)
	claim := Claim{Key: key, State: ClaimSending, Worker: w.cfg.Name, At: time.Now().UTC(), MessageID: m.Headers().Get(HeaderInReplyTo)}
	rev, err := w.claims.Create(ctx, key, claim.encode())
	if errors.Is(err, jetstream.ErrKeyExists) {
		w.claimed(ctx, m, meta, key)
		return
	}
	if err != nil {
		w.log.Warn("claim reply", slog.String("key", key), slog.String("err", err.Error()))
		_ = m.NakWithDelay(retryDelay(attempt))
		return
	}
	sendErr := w.cfg.Sender.Send(ctx, bytes.NewReader(m.Data()))
	update := func(state string, err error) {
		claim.State, claim.At = state, time.Now().UTC()
		if err != nil {
			claim.Error = err.Error()
		}
		if _, uerr := w.claims.Update(context.WithoutCancel(ctx), key, claim.encode(), rev); uerr != nil {
			// The claim stays "sending": the reply is never sent again,
			// which is the safe side.
			w.log.Warn("update claim", slog.String("key", key), slog.String("state", state), slog.String("err", uerr.Error()))
		}
	}
	switch {
	case sendErr == nil:
		update(ClaimSent, nil)
		if err := m.Ack(); err != nil {
			w.log.Warn("ack reply", slog.String("key", key), slog.String("err", err.Error()))
		}
		w.m.replies.WithLabelValues("sent").Inc()
	case errors.Is(sendErr, outbox.ErrUncertain):
		update(ClaimUncertain, sendErr)
		w.deadReply(ctx, m, meta, key, fmt.Sprintf("%v; not sent again: check whether the customer got it, then 'antwort worker release %s'", sendErr, key))
		w.m.replies.WithLabelValues("uncertain").Inc()
	case outbox.IsPermanent(sendErr) || errors.Is(sendErr, outbox.ErrNoRecipient) || errors.Is(sendErr, outbox.ErrNoSender) ||
		errors.Is(sendErr, outbox.ErrCleartextAuth):
		update(ClaimFailed, sendErr)
		w.deadReply(ctx, m, meta, key, "refused: "+sendErr.Error())
		w.m.replies.WithLabelValues("failed").Inc()
	default:
		// Not delivered (no connection, 4xx, interrupted before the data):
		// free the claim and try again later.
		if err := w.claims.Delete(context.WithoutCancel(ctx), key, jetstream.LastRevision(rev)); err != nil {
			w.log.Warn("free claim", slog.String("key", key), slog.String("err", err.Error()))
		}
		if attempt >= w.cfg.MaxAttempts {
			w.deadReply(ctx, m, meta, key, fmt.Sprintf("failed %d times; last error: %v", attempt, sendErr))
			w.m.replies.WithLabelValues("failed").Inc()
			return
		}
		w.log.Warn("reply not sent; it will be tried again", slog.String("key", key), slog.Int("attempt", attempt), slog.String("err", sendErr.Error()))
		w.m.replies.WithLabelValues("retried").Inc()
		_ = m.NakWithDelay(retryDelay(attempt))
	}
}

// claimed handles a reply whose claim exists: sent before (a duplicate),
// or claimed by a delivery that was never confirmed.
func (w *Worker) claimed(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata, key string) {
	e, err := w.claims.Get(ctx, key)
	if err != nil {
		_ = m.NakWithDelay(retryDelay(1)) // released meanwhile: try again
		return
	}
	var c Claim
	_ = json.Unmarshal(e.Value(), &c)
	switch c.State {
	case ClaimSent, ClaimFailed:
		// Sent, or already dead-lettered: this copy is a duplicate.
		_ = m.Ack()
		w.m.replies.WithLabelValues("duplicate").Inc()
	default:
		reason := fmt.Sprintf("%v: claimed by %s at %s (%s", ErrClaimed, c.Worker, c.At.Format(time.RFC3339), c.State)
		if c.Error != "" {
			reason += ": " + c.Error
		}
		reason += fmt.Sprintf("); not sent again: check whether the customer got it, then 'antwort worker release %s'", key)
		w.deadReply(ctx, m, meta, key, reason)
		w.m.replies.WithLabelValues("uncertain").Inc()
	}
}

// deadReply moves a reply to the dead-letter stream.
func (w *Worker) deadReply(ctx context.Context, m jetstream.Msg, meta *jetstream.MsgMetadata, key, reason string) {
	ctx = context.WithoutCancel(ctx)
	d := nats.NewMsg(DeadPrefix + ".outbox." + keyToken(key))
	d.Data = m.Data()
	for k, v := range m.Headers() {
		if k != HeaderMsgID {
			d.Header[k] = v
		}
	}
	d.Header.Set(HeaderMsgID, "outbox:"+key+":"+strconv.FormatUint(meta.Sequence.Stream, 10))
	d.Header.Set(HeaderError, reason)
	d.Header.Set(HeaderAttempts, strconv.FormatUint(meta.NumDelivered, 10))
	d.Header.Set(HeaderWorker, w.cfg.Name)
	d.Header.Set(HeaderSubject, m.Subject())
	d.Header.Set(HeaderSequence, strconv.FormatUint(meta.Sequence.Stream, 10))
	if _, err := w.js.PublishMsg(ctx, d); err != nil {
		w.log.Warn("dead-letter reply failed; it will be delivered again", slog.String("key", key), slog.String("err", err.Error()))
		_ = m.NakWithDelay(retryDelay(1))
		return
	}
	_ = m.Ack()
	w.log.Warn("reply dead-lettered", slog.String("key", key), slog.String("reason", reason))
}

// DeadLetter is one message on the dead-letter stream.
type DeadLetter struct {
	Seq       uint64    `json:"seq"`
	Subject   string    `json:"subject"`
	Time      time.Time `json:"time"`
	Error     string    `json:"error"`
	Attempts  int       `json:"attempts,omitempty"`
	Worker    string    `json:"worker,omitempty"`
	Source    string    `json:"source,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	// Key is the reply key of a dead-lettered reply.
	Key  string `json:"key,omitempty"`
	Size int    `json:"size"`
}

// DeadLetters returns the dead letters whose subject matches filter
// (default DeadPrefix+".>"), oldest first, at most limit (0: all).
func DeadLetters(ctx context.Context, js jetstream.JetStream, filter string, limit int) ([]DeadLetter, error) {
	if filter == "" {
		filter = DeadPrefix + ".>"
	}
	st, err := js.Stream(ctx, DeadStream)
	if err != nil {
		return nil, fmt.Errorf("natsq: stream %s: %w", DeadStream, err)
	}
	var out []DeadLetter
	for seq := uint64(1); limit <= 0 || len(out) < limit; {
		raw, err := st.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(filter))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("natsq: read %s: %w", DeadStream, err)
		}
		out = append(out, deadLetter(raw))
		seq = raw.Sequence + 1
	}
	return out, nil
}

func deadLetter(raw *jetstream.RawStreamMsg) DeadLetter {
	h := raw.Header
	d := DeadLetter{Seq: raw.Sequence, Subject: raw.Subject, Time: raw.Time, Error: h.Get(HeaderError), Worker: h.Get(HeaderWorker),
		Source: h.Get(HeaderSource), MessageID: h.Get(HeaderMessageID), Key: h.Get(HeaderReplyKey), Size: len(raw.Data)}
	d.Attempts, _ = strconv.Atoi(h.Get(HeaderAttempts))
	return d
}

// Release sends a dead-lettered reply again: it removes the reply's claim
// and moves the reply from the dead-letter stream back to the outbox
// stream. Use it after checking that the customer did not get it. It
// fails with ErrSent for a reply the SMTP server accepted and ErrNotFound
// when no reply with key is dead-lettered.
func Release(ctx context.Context, js jetstream.JetStream, key string) error {
	kv, err := js.KeyValue(ctx, ClaimsBucket)
	if err != nil {
		return fmt.Errorf("natsq: bucket %s: %w", ClaimsBucket, err)
	}
	e, err := kv.Get(ctx, key)
	switch {
	case err == nil:
		var c Claim
		_ = json.Unmarshal(e.Value(), &c)
		if c.State == ClaimSent {
			return fmt.Errorf("%w: %s was accepted by the SMTP server at %s", ErrSent, key, c.At.Format(time.RFC3339))
		}
	case errors.Is(err, jetstream.ErrKeyNotFound):
		e = nil
	default:
		return fmt.Errorf("natsq: claim %s: %w", key, err)
	}
	st, err := js.Stream(ctx, DeadStream)
	if err != nil {
		return fmt.Errorf("natsq: stream %s: %w", DeadStream, err)
	}
	raw, err := st.GetLastMsgForSubject(ctx, DeadPrefix+".outbox."+keyToken(key))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return fmt.Errorf("%w: no dead-lettered reply %s", ErrNotFound, key)
	}
	if err != nil {
		return fmt.Errorf("natsq: read %s: %w", DeadStream, err)
	}
	if e != nil {
		if err := kv.Delete(ctx, key, jetstream.LastRevision(e.Revision())); err != nil {
			return fmt.Errorf("natsq: release claim %s: %w", key, err)
		}
	}
	out := nats.NewMsg(OutboxSubject(key))
	out.Data = raw.Data
	for _, h := range []string{HeaderReplyKey, HeaderInReplyTo, HeaderMessageID} {
		if v := raw.Header.Get(h); v != "" {
			out.Header.Set(h, v)
		}
	}
	out.Header.Set(HeaderReplyKey, key)
	out.Header.Set(HeaderMsgID, key+":release:"+strconv.FormatUint(raw.Sequence, 10))
	if _, err := js.PublishMsg(ctx, out); err != nil {
		return fmt.Errorf("natsq: queue %s again: %w", key, err)
	}
	if err := st.DeleteMsg(ctx, raw.Sequence); err != nil {
		return fmt.Errorf("natsq: %s is queued again, but its dead letter %d stays: %w", key, raw.Sequence, err)
	}
	return nil
}
