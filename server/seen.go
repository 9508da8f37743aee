package server

import (
	"context"
	"sync"

	"github.com/antwort-dev/antwort/models"
)

// maxQueued bounds the answered messages held in memory between
// flushes. Beyond it new ones are dropped (and counted): a slow disk must
// never slow down or block answering.
const maxQueued = 16384

// flushSoon is the queue length at which Run is asked to flush before
// its next tick.
const flushSoon = 2048

// recorder queues the messages the server answered and writes them to
// the store in batches (one bbolt transaction per flush instead of one
// fsync per request).
type recorder struct {
	store *models.Store
	keep  int

	mu      sync.Mutex
	queue   []models.Seen
	byID    map[string]int // index into queue
	wmu     sync.Mutex     // serialises flushes
	onSize  func(n int)
	dropped func()        // called for each message dropped from a full queue
	soon    chan struct{} // asks Run to flush now (non-blocking send)
}

// newRecorder returns a recorder; the messages given to add must be
// redacted already.
func newRecorder(store *models.Store, keep int, onSize func(int), dropped func()) *recorder {
	return &recorder{store: store, keep: keep, byID: map[string]int{}, onSize: onSize, dropped: dropped,
		soon: make(chan struct{}, 1)}
}

// add queues m without ever waiting for the store. When the queue is
// long it asks Run to flush early; when it is full, m is dropped.
func (r *recorder) add(m models.Seen) {
	r.mu.Lock()
	n := len(r.queue)
	switch i, ok := r.byID[m.ID]; {
	case ok:
		r.queue[i] = m
	case n >= maxQueued:
		r.mu.Unlock()
		r.dropped()
		return
	default:
		r.byID[m.ID] = n
		r.queue = append(r.queue, m)
		n++
	}
	r.mu.Unlock()
	r.onSize(n)
	if n >= flushSoon {
		select {
		case r.soon <- struct{}{}:
		default:
		}
	}
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
	err := r.store.AddSeen(ctx, batch, r.keep)
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
