package natsq

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
)

// ModelRef says what decided a message; every decision records it.
type ModelRef struct {
	// Push is the manifest id of the push the models came from; empty
	// for models from the worker's own store (see Origin).
	Push string `json:"push,omitempty"`
	// Versions are the model versions: "intent@3", "sentiment@1" or
	// "lexicon".
	Versions []string `json:"versions"`
	// KB is the first 12 hex digits of the SHA-256 of the pushed
	// knowledge-base export, or the local directory.
	KB string `json:"kb,omitempty"`
	// Origin is where the models came from: the store a push was made
	// from, or "local:<path>".
	Origin string `json:"origin,omitempty"`
	// Generation counts this worker's engines: 1, then +1 per swap.
	Generation int `json:"generation"`
}

// generation is one complete engine (models and open knowledge base).
type generation struct {
	eng    *antwort.Engine
	kb     *kb.KB
	ref    ModelRef
	loaded time.Time
	// refs counts holders: 1 while current, plus one per acquire not yet
	// released. At 0 the knowledge base is closed.
	refs atomic.Int64
}

func (g *generation) release() {
	if g.refs.Add(-1) == 0 && g.kb != nil {
		_ = g.kb.Close()
	}
}

// engines holds the current generation and swaps in complete new ones,
// like antwort.Live: a message acquires one generation and keeps it until
// it is decided, so no message sees a half-loaded model.
type engines struct {
	mu  sync.Mutex // serialises swap and close
	cur atomic.Pointer[generation]
	n   int
}

// acquire returns the current generation and its release, or nil.
func (e *engines) acquire() (*generation, func()) {
	for {
		g := e.cur.Load()
		if g == nil {
			return nil, func() {}
		}
		n := g.refs.Load()
		if n <= 0 {
			continue // retired meanwhile; the next one is current
		}
		if g.refs.CompareAndSwap(n, n+1) {
			var once sync.Once
			return g, func() { once.Do(g.release) }
		}
	}
}

// swap makes g current and retires the old generation; it numbers g.
func (e *engines) swap(g *generation) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	g.ref.Generation = e.n
	g.loaded = time.Now()
	g.refs.Store(1)
	if old := e.cur.Swap(g); old != nil {
		old.release()
	}
}

func (e *engines) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if old := e.cur.Swap(nil); old != nil {
		old.release()
	}
}

// current returns the model reference of the current generation.
func (e *engines) current() (ModelRef, bool) {
	g, release := e.acquire()
	defer release()
	if g == nil {
		return ModelRef{}, false
	}
	return g.ref, true
}
