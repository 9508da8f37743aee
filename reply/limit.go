package reply

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Limiter counts the automatic answers each sender got within a sliding
// window (a policy's RateLimit.Per, fixed when the Limiter is made), so
// that a policy's rate limit holds. Senders are named by their SenderKey.
//
// Implementations: NewLimiter counts in memory, for one process;
// NewStoredLimiter keeps the count in an AnswerStore (the batch journal,
// the model store of a server), so it survives restarts; antwort's NATS
// workers share one in a key-value bucket.
//
// A Limiter is safe for concurrent use.
type Limiter interface {
	// Recent returns how many answers the sender with key got within
	// the window before now.
	Recent(ctx context.Context, key string, now time.Time) (int, error)
	// Take records an answer to the sender with key at now if the
	// sender got fewer than limit answers within the window before now
	// (limit < 0: no limit) and reports whether it did. Checking and
	// recording are one atomic step: of callers racing for a sender's
	// last answer, exactly one gets it. When Take returns true the
	// answer is recorded as durably as the Limiter keeps anything.
	Take(ctx context.Context, key string, now time.Time, limit int) (bool, error)
}

// SenderKey names the sender of from (a From value, "Name <addr>" or a
// bare address) in a Limiter: a SHA-256 of the lower-cased address, so
// that a stored count holds no address. It is "" when from has no
// address; such a sender is never answered automatically.
func SenderKey(from string) string {
	a := senderAddress(from)
	if a == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(a))
	return hex.EncodeToString(sum[:16])
}

// RecentAnswers returns how many automatic answers the sender of from got
// within l's window before now (0 when from has no address), for
// Input.Recent.
func RecentAnswers(ctx context.Context, l Limiter, from string, now time.Time) (int, error) {
	key := SenderKey(from)
	if key == "" {
		return 0, nil
	}
	n, err := l.Recent(ctx, key, now)
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	return n, nil
}

// Admit records the automatic answer d decides for the sender of from
// in l, within the rate limit rl, and returns d. When another decision
// took the sender's last answer after d was decided (another worker, a
// concurrent request), Admit returns d as Suggest with the "rate limit"
// check failed: no more than rl.Max answers within rl.Per go to one
// sender, however many deciders share l. A decision other than Send is
// returned as it is. An error from l is returned as it is, so a message
// whose answer cannot be counted is not answered.
func Admit(ctx context.Context, l Limiter, rl RateLimit, from string, now time.Time, d Decision) (Decision, error) {
	key := SenderKey(from)
	if d.Action != Send || key == "" {
		return d, nil
	}
	ok, err := l.Take(ctx, key, now, rl.Max)
	if err != nil {
		return d, fmt.Errorf("rate limit: %w", err)
	}
	if ok {
		return d, nil
	}
	d.Action = Suggest
	d.Reasons = append([]Check(nil), d.Reasons...)
	c := Check{Name: rateLimitCheck, Detail: "limit " + strconv.Itoa(rl.Max) + " in " + rl.Per.String() +
		" reached by another answer to this sender while this message was decided"}
	for i := range d.Reasons {
		if d.Reasons[i].Name == rateLimitCheck {
			d.Reasons[i] = c
			return d, nil
		}
	}
	d.Reasons = append(d.Reasons, c)
	return d, nil
}

// rateLimitCheck is the name of the Check Decide makes of Input.Recent.
const rateLimitCheck = "rate limit"

// The answers of one sender are stored as a value of 8-byte big-endian
// Unix nanoseconds, oldest first (see CountAnswers and TakeAnswer).
const answerSize = 8

// CountAnswers returns how many of the answer times in value lie within
// per before now. value is in the format TakeAnswer writes.
func CountAnswers(value []byte, now time.Time, per time.Duration) (int, error) {
	if len(value)%answerSize != 0 {
		return 0, fmt.Errorf("stored answers of %d bytes, not a multiple of %d", len(value), answerSize)
	}
	return len(value[expired(value, now, per):]) / answerSize, nil
}

// TakeAnswer drops the answer times in value older than per before now
// and, if fewer than limit remain (limit < 0: no limit), appends now. It
// returns the new value (nil when no time remains: delete the key) and
// whether now was added. value is nil for a sender without answers.
func TakeAnswer(value []byte, now time.Time, per time.Duration, limit int) ([]byte, bool, error) {
	if len(value)%answerSize != 0 {
		return nil, false, fmt.Errorf("stored answers of %d bytes, not a multiple of %d", len(value), answerSize)
	}
	kept := value[expired(value, now, per):]
	if limit >= 0 && len(kept)/answerSize >= limit {
		if len(kept) == 0 {
			return nil, false, nil
		}
		return append([]byte(nil), kept...), false, nil
	}
	out := make([]byte, len(kept), len(kept)+answerSize)
	copy(out, kept)
	return binary.BigEndian.AppendUint64(out, uint64(now.UnixNano())), true, nil
}

// expired returns the length of the prefix of value whose times are at
// least per before now.
func expired(value []byte, now time.Time, per time.Duration) int {
	cut := now.Add(-per).UnixNano()
	i := 0
	for i < len(value) && int64(binary.BigEndian.Uint64(value[i:])) <= cut {
		i += answerSize
	}
	return i
}

// stale reports whether every answer time in value is at least per
// before now.
func stale(value []byte, now time.Time, per time.Duration) bool {
	return len(value) < answerSize || expired(value[len(value)-answerSize:], now, per) > 0
}

// MemoryLimiter is a Limiter that counts in memory, for one process. It
// holds only senders answered recently: Recent adds nothing, and once
// per window the senders whose answers all left it are forgotten.
type MemoryLimiter struct {
	per time.Duration

	mu        sync.Mutex
	sent      map[string][]byte // key -> answer times (see TakeAnswer)
	lastSweep time.Time
}

// NewLimiter returns a MemoryLimiter with the window per.
func NewLimiter(per time.Duration) *MemoryLimiter {
	return &MemoryLimiter{per: per, sent: make(map[string][]byte)}
}

// Recent implements Limiter.
func (l *MemoryLimiter) Recent(_ context.Context, key string, now time.Time) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return CountAnswers(l.sent[key], now, l.per)
}

// Take implements Limiter.
func (l *MemoryLimiter) Take(_ context.Context, key string, now time.Time, limit int) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok, err := TakeAnswer(l.sent[key], now, l.per, limit)
	if err != nil {
		return false, err
	}
	if v == nil {
		delete(l.sent, key)
	} else {
		l.sent[key] = v
	}
	// Once per window, forget the senders whose answers all left it:
	// the map holds the senders answered within the last two windows.
	if now.Sub(l.lastSweep) >= l.per {
		l.lastSweep = now
		for k, v := range l.sent {
			if stale(v, now, l.per) {
				delete(l.sent, k)
			}
		}
	}
	return ok, nil
}

// Len returns the number of senders held.
func (l *MemoryLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sent)
}

// AnswerStore keeps the answer times of a NewStoredLimiter durably, one
// value per sender key, in the format TakeAnswer writes. *journal.Journal
// and *models.Store implement it. Its methods are called one at a time.
type AnswerStore interface {
	// LoadAnswers returns the value of key; nil when there is none.
	LoadAnswers(key string) ([]byte, error)
	// SaveAnswers writes put (a nil value deletes its key) in one
	// durable transaction and, when drop is not nil, deletes every other
	// key whose value drop reports as expired.
	SaveAnswers(put map[string][]byte, drop func(value []byte) bool) error
}

// StoredLimiter is a Limiter that keeps its count in an AnswerStore: a
// count that survives restarts for every process that uses the store in
// turn. Take returns only after the answer is written; answers taken at
// the same time share one write.
type StoredLimiter struct {
	s   AnswerStore
	per time.Duration

	mu        sync.Mutex
	cond      *sync.Cond
	pending   map[string]pendingAnswers // taken, not yet written
	seq       uint64                    // of the latest Take
	durable   uint64                    // every Take up to this one is written
	writing   bool
	lastSweep time.Time
}

type pendingAnswers struct {
	value []byte
	seq   uint64
}

// NewStoredLimiter returns a StoredLimiter with the window per over s.
// Senders whose answers all left the window are deleted from s on the
// first write and then once per window.
func NewStoredLimiter(s AnswerStore, per time.Duration) *StoredLimiter {
	l := &StoredLimiter{s: s, per: per, pending: map[string]pendingAnswers{}}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// value returns the current answers of key. l.mu is held.
func (l *StoredLimiter) value(key string) ([]byte, error) {
	if p, ok := l.pending[key]; ok {
		return p.value, nil
	}
	return l.s.LoadAnswers(key)
}

// Recent implements Limiter.
func (l *StoredLimiter) Recent(_ context.Context, key string, now time.Time) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, err := l.value(key)
	if err != nil {
		return 0, err
	}
	return CountAnswers(v, now, l.per)
}

// Take implements Limiter. When the write fails, Take returns the error
// and the answer stays counted (it is written with the next Take): the
// count errs on the side of fewer answers.
func (l *StoredLimiter) Take(_ context.Context, key string, now time.Time, limit int) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, err := l.value(key)
	if err != nil {
		return false, err
	}
	v, ok, err := TakeAnswer(v, now, l.per, limit)
	if err != nil || !ok {
		return false, err
	}
	l.seq++
	seq := l.seq
	l.pending[key] = pendingAnswers{value: v, seq: seq}
	// Group commit: one Take writes everything pending while the others
	// wait; those that arrive meanwhile are written by the next one.
	for l.durable < seq {
		if l.writing {
			l.cond.Wait()
			continue
		}
		if err := l.write(now); err != nil {
			return false, err
		}
	}
	return true, nil
}

// write saves everything pending. l.mu is held, and released while the
// store writes.
func (l *StoredLimiter) write(now time.Time) error {
	l.writing = true
	upto := l.seq
	batch := make(map[string]pendingAnswers, len(l.pending))
	put := make(map[string][]byte, len(l.pending))
	for k, p := range l.pending {
		batch[k], put[k] = p, p.value
	}
	var drop func([]byte) bool
	if now.Sub(l.lastSweep) >= l.per {
		drop = func(v []byte) bool { return stale(v, now, l.per) }
	}
	l.mu.Unlock()
	err := l.s.SaveAnswers(put, drop)
	l.mu.Lock()
	l.writing = false
	l.cond.Broadcast()
	if err != nil {
		return err
	}
	for k, p := range batch {
		if cur, ok := l.pending[k]; ok && cur.seq == p.seq {
			delete(l.pending, k)
		}
	}
	l.durable = upto
	if drop != nil {
		l.lastSweep = now
	}
	return nil
}
