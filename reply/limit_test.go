package reply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)

// limiters returns one Limiter of each in-process kind with the window
// per, the stored one over a fresh memory store.
func limiters(per time.Duration) map[string]Limiter {
	return map[string]Limiter{"memory": NewLimiter(per), "stored": NewStoredLimiter(newMapStore(), per)}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	for name, l := range limiters(time.Hour) {
		t.Run(name, func(t *testing.T) {
			a, b := SenderKey("Petra <PETRA@example.de>"), SenderKey("petra@example.de")
			if a != b || a == "" {
				t.Fatalf("SenderKey differs by case or display name: %q, %q", a, b)
			}
			for _, at := range []time.Time{t0, t0.Add(30 * time.Minute)} {
				if ok, err := l.Take(ctx, a, at, 3); !ok || err != nil {
					t.Fatalf("Take at %s = %v, %v", at, ok, err)
				}
			}
			for _, c := range []struct {
				at   time.Time
				want int
			}{{t0.Add(45 * time.Minute), 2}, {t0.Add(61 * time.Minute), 1}, {t0.Add(91 * time.Minute), 0}} {
				if n, err := l.Recent(ctx, a, c.at); n != c.want || err != nil {
					t.Errorf("Recent at %s = %d, %v; want %d", c.at, n, err, c.want)
				}
			}
			// The limit: a third answer within the hour, not a fourth.
			if ok, _ := l.Take(ctx, a, t0.Add(40*time.Minute), 3); !ok {
				t.Errorf("third answer refused")
			}
			if ok, _ := l.Take(ctx, a, t0.Add(50*time.Minute), 3); ok {
				t.Errorf("fourth answer within the hour taken")
			}
			if ok, _ := l.Take(ctx, a, t0.Add(50*time.Minute), -1); !ok {
				t.Errorf("limit -1 (none) refused an answer")
			}
		})
	}
	if k := SenderKey("Kein Absender"); k != "" {
		t.Errorf("SenderKey without address = %q, want empty", k)
	}
}

// TestLimiterForgetsIdleSenders: asking about senders stores nothing,
// and senders whose answers all left the window are forgotten.
func TestLimiterForgetsIdleSenders(t *testing.T) {
	ctx := context.Background()
	l := NewLimiter(time.Hour)
	for i := range 100_000 {
		if _, err := l.Recent(ctx, SenderKey(fmt.Sprintf("k%d@example.de", i)), t0); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.Len(); n != 0 {
		t.Errorf("after 100,000 Recent calls the limiter holds %d senders, want 0", n)
	}
	for i := range 5000 {
		l.Take(ctx, SenderKey(fmt.Sprintf("k%d@example.de", i)), t0, 3)
	}
	later := t0.Add(2 * time.Hour)
	for i := range 2000 {
		l.Take(ctx, SenderKey(fmt.Sprintf("new%d@example.de", i)), later, 3)
	}
	if n := l.Len(); n != 2000 {
		t.Errorf("after the window passed the limiter holds %d senders, want the 2000 recent ones", n)
	}
	// The stored limiter deletes idle senders from its store.
	s := newMapStore()
	sl := NewStoredLimiter(s, time.Hour)
	for i := range 100 {
		sl.Take(ctx, SenderKey(fmt.Sprintf("k%d@example.de", i)), t0, 3)
	}
	sl.Take(ctx, SenderKey("late@example.de"), later, 3)
	if n := s.len(); n != 1 {
		t.Errorf("stored limiter's store holds %d senders after the window, want 1", n)
	}
}

// TestRateLimitHoldsUnderRace: many deciders racing for one sender's
// answers get exactly the limit, with each kind of Limiter.
func TestRateLimitHoldsUnderRace(t *testing.T) {
	ctx := context.Background()
	for name, l := range limiters(24 * time.Hour) {
		t.Run(name, func(t *testing.T) {
			key := SenderKey("b.hoffmann@kunde.example")
			var got atomic.Int64
			var wg sync.WaitGroup
			for i := range 64 {
				wg.Go(func() {
					ok, err := l.Take(ctx, key, t0.Add(time.Duration(i)*time.Millisecond), 3)
					if err != nil {
						t.Error(err)
					}
					if ok {
						got.Add(1)
					}
				})
			}
			wg.Wait()
			if got.Load() != 3 {
				t.Errorf("%d of 64 racing answers taken, want exactly 3", got.Load())
			}
		})
	}
}

// TestRateLimitHoldsAcrossRestarts: a new StoredLimiter over the same
// store (the next process) sees the answers of the one before.
func TestRateLimitHoldsAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	s := newMapStore()
	key := SenderKey("b.hoffmann@kunde.example")
	for run := range 2 {
		l := NewStoredLimiter(s, 24*time.Hour)
		taken := 0
		for i := range 3 {
			ok, err := l.Take(ctx, key, t0.Add(time.Duration(run*3+i)*time.Second), 3)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				taken++
			}
		}
		want := 3
		if run == 1 {
			want = 0
		}
		if taken != want {
			t.Errorf("run %d: %d answers taken, want %d", run+1, taken, want)
		}
	}
}

// TestAdmit: a Send decision whose answer another decider took meanwhile
// becomes Suggest with the rate limit check failed; the others pass.
func TestAdmit(t *testing.T) {
	ctx := context.Background()
	p := DefaultPolicy()
	l := NewLimiter(p.RateLimit.Per)
	from := "Brigitte Hoffmann <b.hoffmann@kunde.example>"
	send := Decision{Action: Send, Reasons: []Check{{Name: "sender", Passed: true}, {Name: rateLimitCheck, Passed: true, Detail: "2 automatic answers"}}}
	for i := range p.RateLimit.Max {
		d, err := Admit(ctx, l, p.RateLimit, from, t0, send)
		if err != nil || d.Action != Send {
			t.Fatalf("answer %d: %v, %v", i+1, d.Action, err)
		}
	}
	d, err := Admit(ctx, l, p.RateLimit, from, t0, send)
	if err != nil || d.Action != Suggest || len(d.Failed()) != 1 || d.Failed()[0] != rateLimitCheck {
		t.Errorf("answer over the limit: %+v, %v; want suggest with the rate limit failed", d, err)
	}
	if !send.Reasons[1].Passed {
		t.Errorf("Admit changed the caller's Reasons")
	}
	if d, _ := Admit(ctx, l, p.RateLimit, from, t0, Decision{Action: Escalate}); d.Action != Escalate {
		t.Errorf("Admit changed an escalation: %v", d.Action)
	}
	if n, err := RecentAnswers(ctx, l, from, t0); n != p.RateLimit.Max || err != nil {
		t.Errorf("RecentAnswers = %d, %v; want %d", n, err, p.RateLimit.Max)
	}
	// A limiter that cannot count fails the message, never lets it pass.
	bad := NewStoredLimiter(failStore{}, time.Hour)
	if _, err := Admit(ctx, bad, p.RateLimit, from, t0, send); err == nil {
		t.Errorf("Admit with a failing store: no error")
	}
}

// mapStore is an AnswerStore in memory, for tests.
type mapStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMapStore() *mapStore { return &mapStore{m: map[string][]byte{}} }

func (s *mapStore) LoadAnswers(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key], nil
}

func (s *mapStore) SaveAnswers(put map[string][]byte, drop func([]byte) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if drop != nil {
		for k, v := range s.m {
			if drop(v) {
				delete(s.m, k)
			}
		}
	}
	for k, v := range put {
		if v == nil {
			delete(s.m, k)
		} else {
			s.m[k] = v
		}
	}
	return nil
}

func (s *mapStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

type failStore struct{}

func (failStore) LoadAnswers(string) ([]byte, error) { return nil, nil }
func (failStore) SaveAnswers(map[string][]byte, func([]byte) bool) error {
	return errors.New("disk full")
}
