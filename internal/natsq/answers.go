package natsq

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/reply"
)

// Limiter is a reply.Limiter that keeps the automatic answers per sender
// in the AnswersBucket, shared by all workers of an installation: the
// policy's rate limit holds however many workers decide, on any number
// of machines, and across their restarts.
//
// Take is a compare-and-set on the sender's key: of workers racing for a
// sender's last answer, one wins, the others read the new count and are
// refused. It is safe for concurrent use.
type Limiter struct {
	kv  jetstream.KeyValue
	per time.Duration
}

// NewLimiter returns a Limiter with the window per over kv (the
// AnswersBucket). The bucket must keep keys at least per (its TTL); a
// Worker checks that when it starts.
func NewLimiter(kv jetstream.KeyValue, per time.Duration) *Limiter {
	return &Limiter{kv: kv, per: per}
}

// Recent implements reply.Limiter.
func (l *Limiter) Recent(ctx context.Context, key string, now time.Time) (int, error) {
	e, err := l.kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("natsq: %s: %w", AnswersBucket, err)
	}
	return reply.CountAnswers(e.Value(), now, l.per)
}

// maxTakeTries bounds the compare-and-set attempts of one Take.
const maxTakeTries = 50

// Take implements reply.Limiter.
func (l *Limiter) Take(ctx context.Context, key string, now time.Time, limit int) (bool, error) {
	for try := 0; try < maxTakeTries; try++ {
		var old []byte
		var rev uint64
		e, err := l.kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return false, fmt.Errorf("natsq: %s: %w", AnswersBucket, err)
		default:
			old, rev = e.Value(), e.Revision()
		}
		v, ok, err := reply.TakeAnswer(old, now, l.per, limit)
		if err != nil || !ok {
			return false, err
		}
		if rev == 0 {
			_, err = l.kv.Create(ctx, key, v)
		} else {
			_, err = l.kv.Update(ctx, key, v, rev)
		}
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return false, fmt.Errorf("natsq: %s: %w", AnswersBucket, err)
		}
		// Another worker wrote the key meanwhile: read it again.
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(time.Duration(rand.N(try+1)) * time.Millisecond):
		}
	}
	return false, fmt.Errorf("natsq: %s: key %s changed %d times while taking an answer", AnswersBucket, key, maxTakeTries)
}

// checkAnswersTTL fails when the bucket forgets answers sooner than the
// policy's window, which would let a sender get more answers than the
// limit.
func checkAnswersTTL(ctx context.Context, kv jetstream.KeyValue, per time.Duration) error {
	st, err := kv.Status(ctx)
	if err != nil {
		return fmt.Errorf("natsq: bucket %s: %w", AnswersBucket, err)
	}
	if ttl := st.TTL(); ttl > 0 && ttl < per {
		return fmt.Errorf("natsq: bucket %s keeps answers %s, less than the rate limit's window %s: recreate it with a TTL of at least %s (SetupOptions.AnswersTTL)",
			AnswersBucket, ttl, per, per)
	}
	return nil
}

// idKey is the key of a Message-ID in IDsBucket (the bucket's keys allow
// few characters): a hash of the ID.
func idKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// identity returns the identity of msg on the decisions and outbox
// streams and in the claims: its ID when it is the first message seen
// with that ID (or has no ContentHash), else the ID and its content hash,
// reused true. The first message's ContentHash is kept in IDsBucket, so
// every worker, and every later delivery of the same message, finds the
// same answer. An ID that is itself a hash of the message ("sha256:…",
// for mail without Message-ID) cannot be reused and is not recorded.
func (w *Worker) identity(ctx context.Context, msg *ingest.Message) (id string, reused bool, err error) {
	if msg.ID == "" || msg.ContentHash == "" || strings.HasPrefix(msg.ID, "sha256:") {
		return msg.ID, false, nil
	}
	key := idKey(msg.ID)
	_, err = w.ids.Create(ctx, key, []byte(msg.ContentHash))
	if errors.Is(err, jetstream.ErrKeyExists) {
		var e jetstream.KeyValueEntry
		if e, err = w.ids.Get(ctx, key); err == nil && string(e.Value()) != msg.ContentHash {
			return msg.ID + " " + msg.ContentHash, true, nil
		}
	}
	if err != nil {
		return "", false, fmt.Errorf("natsq: bucket %s: %w", IDsBucket, err)
	}
	return msg.ID, false, nil
}
