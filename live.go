package antwort

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

// LiveOptions configures NewLive.
type LiveOptions struct {
	// KBDir is the knowledge base directory, opened read-only. Empty
	// means no knowledge base: the engines classify but cannot Suggest.
	KBDir string
	// KBTimeout is how long opening the knowledge base waits for its lock
	// (default kb.DefaultTimeout).
	KBTimeout time.Duration
	// Load configures each engine; its IntentVersion and SentimentVersion
	// are ignored: a Live engine always uses the active versions.
	Load LoadOptions
	// Reply is passed to WithReplies with KB set to the knowledge base of
	// KBDir. A nil Limiter is replaced by one shared by all engines, so
	// the per-sender rate limit survives reloads.
	Reply ReplyConfig
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger
}

// Live holds the current Engine of a long-running program (a server, a
// worker) and swaps in a new one when the active models or the knowledge
// base change, without stopping.
//
// Reload builds a complete new Engine from the store's active models and
// a freshly opened knowledge base, and only then swaps it in; a failed
// Reload leaves the current Engine in place. Calls that hold an Engine
// from Acquire keep using it, with its knowledge base open, until they
// release it; the old knowledge base is closed when the last of them
// does. A Live is safe for concurrent use; Reloads are serialised.
type Live struct {
	store *models.Store
	opts  LiveOptions

	mu      sync.Mutex // serialises Reload and Close
	closed  bool
	reloads int

	cur atomic.Pointer[generation]
}

// generation is one Engine with the knowledge base it searches.
type generation struct {
	eng    *Engine
	kb     *kb.KB // nil without KBDir
	loaded time.Time
	n      int // 1 for the first, then +1 per Reload
	// refs counts the holders: 1 while the generation is current, plus
	// one per Acquire not yet released. At 0 the knowledge base is
	// closed and the generation is never handed out again.
	refs atomic.Int64
	log  *slog.Logger
}

func (g *generation) release() {
	if g.refs.Add(-1) == 0 && g.kb != nil {
		if err := g.kb.Close(); err != nil {
			g.log.Warn("close knowledge base", slog.String("err", err.Error()))
		}
	}
}

// NewLive builds the first Engine from store and opts. It fails like
// Load (ErrNoModel without an active intent model) and like kb.Open.
// The store must stay open until Close.
func NewLive(ctx context.Context, store *models.Store, opts LiveOptions) (*Live, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Reply.Limiter == nil {
		per := reply.DefaultPolicy().RateLimit.Per
		if opts.Reply.Policy != nil {
			per = opts.Reply.Policy.RateLimit.Per
		}
		opts.Reply.Limiter = reply.NewLimiter(per)
	}
	opts.Load.IntentVersion, opts.Load.SentimentVersion = 0, 0
	if opts.Load.Logger == nil {
		opts.Load.Logger = opts.Logger
	}
	l := &Live{store: store, opts: opts}
	g, err := l.build(ctx, 1)
	if err != nil {
		return nil, err
	}
	l.cur.Store(g)
	return l, nil
}

// build loads the active models, opens the knowledge base and returns a
// generation holding one reference.
func (l *Live) build(ctx context.Context, n int) (*generation, error) {
	eng, err := Load(ctx, l.store, l.opts.Load)
	if err != nil {
		return nil, err
	}
	g := &generation{eng: eng, loaded: time.Now(), n: n, log: l.opts.Logger}
	if l.opts.KBDir != "" {
		k, err := kb.Open(l.opts.KBDir, &kb.Options{ReadOnly: true, Timeout: l.opts.KBTimeout})
		if err != nil {
			return nil, err
		}
		rc := l.opts.Reply
		rc.KB = k
		if g.eng, err = eng.WithReplies(rc); err != nil {
			_ = k.Close()
			return nil, err
		}
		g.kb = k
	}
	g.refs.Store(1)
	return g, nil
}

// Current returns the current Engine, or nil after Close. Classify on it
// is always safe. For Suggest, which searches the knowledge base, use
// Acquire: a Reload may close the knowledge base of an Engine that nobody
// holds.
func (l *Live) Current() *Engine {
	g := l.cur.Load()
	if g == nil {
		return nil
	}
	return g.eng
}

// Acquire returns the current Engine and a function that releases it.
// Until release is called the Engine and its knowledge base stay usable,
// whatever Reloads happen meanwhile. After Close, Acquire returns nil and
// a no-op release. release may be called more than once.
func (l *Live) Acquire() (eng *Engine, release func()) {
	for {
		g := l.cur.Load()
		if g == nil {
			return nil, func() {}
		}
		n := g.refs.Load()
		if n <= 0 {
			continue // retired between Load and here; the next one is current
		}
		if g.refs.CompareAndSwap(n, n+1) {
			var once sync.Once
			return g.eng, func() { once.Do(g.release) }
		}
	}
}

// LiveState describes the current Engine.
type LiveState struct {
	Versions   []string  `json:"versions"` // "intent@3", "sentiment@1" or "lexicon"
	KB         string    `json:"kb,omitempty"`
	Articles   int       `json:"articles,omitempty"`
	Loaded     time.Time `json:"loaded"`
	Generation int       `json:"generation"` // 1, then +1 per successful Reload
}

// State describes the current Engine; ok is false after Close.
func (l *Live) State() (st LiveState, ok bool) {
	eng, release := l.Acquire()
	defer release()
	if eng == nil {
		return LiveState{}, false
	}
	g := l.cur.Load()
	if g == nil || g.eng != eng {
		// A Reload swapped in between; describe the one we hold.
		g = &generation{eng: eng}
	}
	st = LiveState{Versions: eng.Versions(), Loaded: g.loaded, Generation: g.n}
	if k := eng.KB(); k != nil {
		st.KB = k.Dir()
		if n, err := k.Len(); err == nil {
			st.Articles = n
		}
	}
	return st, true
}

// Reload builds a new Engine from the store's active models and the
// knowledge base as it is now, and swaps it in. If anything fails, the
// current Engine stays and the error is returned.
func (l *Live) Reload(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	old := l.cur.Load()
	g, err := l.build(ctx, old.n+1)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	l.cur.Store(g)
	l.reloads++
	old.release()
	l.opts.Logger.Debug("reloaded", slog.Any("versions", g.eng.Versions()), slog.Int("generation", g.n))
	return nil
}

// Close retires the current Engine: Acquire returns nil from now on, and
// the knowledge base is closed when the last holder releases it. The
// store is not closed. Close is idempotent.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if g := l.cur.Swap(nil); g != nil {
		g.release()
	}
	return nil
}

// KB returns the knowledge base an Engine from WithReplies searches, or
// nil.
func (e *Engine) KB() *kb.KB {
	if e.rep == nil {
		return nil
	}
	return e.rep.cfg.KB
}

// Labels returns the labels the engine's model name (IntentModel or
// SentimentModel) can predict, sorted; nil for another name.
func (e *Engine) Labels(name string) []string {
	switch {
	case name == IntentModel:
		return e.cfg.Intent.Labels()
	case name == SentimentModel && e.cfg.Sentiment != nil:
		return e.cfg.Sentiment.Labels()
	case name == SentimentModel:
		return []string{"negative", "neutral", "positive"} // the lexicon's
	}
	return nil
}

// Policy returns the reply policy of an Engine from WithReplies, or nil.
func (e *Engine) Policy() *reply.Policy {
	if e.rep == nil {
		return nil
	}
	return e.rep.cfg.Policy
}

// WithExplain returns a copy of e that explains each label with n
// features (n <= 0: no explanation, which makes Classify and Suggest
// cheaper). The copy shares everything else with e.
func (e *Engine) WithExplain(n int) *Engine {
	c := *e
	if n <= 0 {
		n = -1
	}
	c.cfg.Explain = n
	return &c
}
