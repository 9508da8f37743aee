package server

import (
	"context"
	"sync"

	"github.com/antwort-dev/antwort/models"
)

// maxQueued bounds the answered messages held in memory between
// flushes; when it is reached, the request that adds one more flushes.
const maxQueued = 4096

// recorder queues the messages the server answered and writes them to
// the store in batches (one bbolt transaction per flush instead of one
// fsync per request).
type recorder struct {
	store  *models.Store
	keep   int
	redact func(string) string // applied before anything is written

	mu     sync.Mutex
	queue  []models.Seen
	byID   map[string]int // index into queue
	wmu    sync.Mutex     // serialises flushes
	onSize func(n int)
}

func newRecorder(store *models.Store, keep int, redact func(string) string, onSize func(int)) *recorder {
	return &recorder{store: store, keep: keep, redact: redact, byID: map[string]int{}, onSize: onSize}
}

// add queues m; it reports whether the queue is full and should be
// flushed now.
func (r *recorder) add(m models.Seen) (full bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.byID[m.ID]; ok {
		r.queue[i] = m
	} else {
		r.byID[m.ID] = len(r.queue)
		r.queue = append(r.queue, m)
	}
	r.onSize(len(r.queue))
	return len(r.queue) >= maxQueued
}

// lookup finds message id in the queue, then in the store.
func (r *recorder) lookup(ctx context.Context, id string) (models.Seen, bool, error) {
	r.mu.Lock()
	if i, ok := r.byID[id]; ok {
		m := r.queue[i]
		r.mu.Unlock()
		return m, true, nil
	}
	r.mu.Unlock()
	// A flush may be writing it right now: wait for it, then ask the store.
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.mu.Lock()
	if i, ok := r.byID[id]; ok {
		m := r.queue[i]
		r.mu.Unlock()
		return m, true, nil
	}
	r.mu.Unlock()
	return r.store.SeenMessage(ctx, id)
}

// flush writes the queue to the store. On failure the messages are put
// back (behind newer ones) and the error is returned.
func (r *recorder) flush(ctx context.Context) error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	r.mu.Lock()
	batch := r.queue
	r.queue, r.byID = nil, map[string]int{}
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	clean := make([]models.Seen, len(batch))
	for i, m := range batch {
		m.Subject, m.Text = r.redact(m.Subject), r.redact(m.Text)
		clean[i] = m
	}
	err := r.store.AddSeen(ctx, clean, r.keep)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && len(r.queue) < maxQueued {
		for _, m := range batch {
			if _, ok := r.byID[m.ID]; !ok {
				r.byID[m.ID] = len(r.queue)
				r.queue = append(r.queue, m)
			}
		}
	}
	r.onSize(len(r.queue))
	return err
}
