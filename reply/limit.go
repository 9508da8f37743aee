package reply

import (
	"sync"
	"time"
)

// Limiter counts automatic answers per sender in a sliding window. It is
// safe for concurrent use. The zero value is not usable; use NewLimiter.
type Limiter struct {
	mu   sync.Mutex
	per  time.Duration
	sent map[string][]time.Time
}

// NewLimiter returns a Limiter with the given window.
func NewLimiter(per time.Duration) *Limiter {
	return &Limiter{per: per, sent: make(map[string][]time.Time)}
}

// Recent returns how many answers sender got within the window before now.
func (l *Limiter) Recent(sender string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.prune(senderAddress(sender), now))
}

// Record notes an automatic answer to sender at now.
func (l *Limiter) Record(sender string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := senderAddress(sender)
	l.sent[a] = append(l.prune(a, now), now)
}

func (l *Limiter) prune(a string, now time.Time) []time.Time {
	ts := l.sent[a]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.per {
		i++
	}
	ts = ts[i:]
	l.sent[a] = ts
	return ts
}
