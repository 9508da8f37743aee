package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/models"
)

// Defaults of Options.
const (
	DefaultMaxBody         = 1 << 20  // 1 MiB
	DefaultMaxAdminBody    = 64 << 20 // 64 MiB, for knowledge base imports
	DefaultRemember        = 100_000
	DefaultReadTimeout     = 10 * time.Second
	DefaultWriteTimeout    = 30 * time.Second
	DefaultIdleTimeout     = 120 * time.Second
	DefaultShutdownTimeout = 30 * time.Second
	DefaultAdminTimeout    = 15 * time.Minute
	// FlushInterval is how often Run writes answered messages to the
	// store.
	FlushInterval = time.Second
)

// DefaultMaxInFlight is 4 × GOMAXPROCS.
func DefaultMaxInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

// Options configures New. The zero value, with Tokens set, is a server
// that requires tokens, has no store (no feedback, no model management)
// and uses the documented defaults.
type Options struct {
	// Tokens are the accepted bearer tokens. They are required unless
	// NoAuth is set; New fails with ErrNoTokens otherwise.
	Tokens *Tokens
	// NoAuth turns authentication off (for a server reachable only by
	// trusted local callers).
	NoAuth bool
	// PublicMetrics serves GET /metrics without a token. GET /healthz
	// never needs one.
	PublicMetrics bool

	// Store is the writable model store the Live engine loads from. With
	// it the server records answered messages and feedback, and manages
	// model versions; without, those endpoints answer 503.
	Store *models.Store
	// KBDir is the knowledge base directory POST /v1/kb/import replaces
	// (usually the Live's LiveOptions.KBDir); empty: 503.
	KBDir string
	// Redactor removes personal data from texts before they are stored
	// (answered messages, feedback). nil means antwort.NewRedactor with
	// the default options; to store texts as written, pass one made with
	// RedactOptions{Off: true}.
	Redactor *antwort.Redactor
	// Answers receives every feedback entry (answer learning). Pass the
	// one the Live's ReplyConfig.Learned uses; nil: none.
	Answers *antwort.AnswerStats
	// Explain is how many features explain each label in /v1/classify
	// and /v1/suggest answers when the request does not say (0, the
	// default: no explanation, which is cheaper; at most 20).
	Explain int
	// Remember is how many answered messages the store keeps for
	// feedback (default DefaultRemember; negative: none are recorded, so
	// feedback must carry the text).
	Remember int

	// MaxInFlight bounds how many classify, suggest and feedback requests
	// are worked on at once; the others wait their turn in arrival order
	// (default DefaultMaxInFlight(); negative: no limit).
	MaxInFlight int

	// MaxBody limits request bodies (default DefaultMaxBody);
	// MaxAdminBody those of POST /v1/kb/import (default
	// DefaultMaxAdminBody).
	MaxBody, MaxAdminBody int64

	// Timeouts of Serve's http.Server (defaults DefaultReadTimeout,
	// DefaultWriteTimeout, DefaultIdleTimeout) and how long Serve waits
	// for in-flight requests at shutdown (DefaultShutdownTimeout).
	ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
	// AdminTimeout replaces the read and write deadline of the slow admin
	// endpoints (retrain, knowledge base import, diff); default
	// DefaultAdminTimeout.
	AdminTimeout time.Duration

	// Retrain is the template for POST /v1/retrain and scheduled retrains
	// (the request's fields override it).
	Retrain antwort.RetrainOptions
	// RetrainEvery, when positive, makes Run retrain every model that has
	// new feedback at this interval, promoting only a candidate that is
	// not worse.
	RetrainEvery time.Duration

	// Version is reported by /healthz.
	Version string
	// Logger receives request and admin logs (never message texts); nil
	// discards.
	Logger *slog.Logger
}

// Server is antwort's HTTP API as an http.Handler. It is safe for
// concurrent use. See the package documentation for the endpoints.
type Server struct {
	live *antwort.Live
	opts Options
	mux  *http.ServeMux
	m    *metrics
	rec  *recorder // nil without a store or with Remember < 0
	log  *slog.Logger

	slots     chan struct{} // MaxInFlight; nil: no limit
	admin     sync.Mutex    // serialises model changes, imports, retrains and their reloads
	kbPointer string        // content of KBDir/CURRENT when last loaded; guarded by admin
}

// New returns a Server answering with the engines of live. It starts no
// goroutines; call Run (or Serve) for the background work.
func New(live *antwort.Live, opts Options) (*Server, error) {
	if live == nil || live.Current() == nil {
		return nil, errors.New("server: New needs an open antwort.Live")
	}
	if !opts.NoAuth && opts.Tokens.Len() == 0 {
		return nil, fmt.Errorf("%w: give tokens or turn authentication off explicitly", ErrNoTokens)
	}
	if opts.Redactor == nil {
		r, err := antwort.NewRedactor(antwort.RedactOptions{})
		if err != nil {
			return nil, err
		}
		opts.Redactor = r
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.ReadTimeout, DefaultReadTimeout)
	def(&opts.WriteTimeout, DefaultWriteTimeout)
	def(&opts.IdleTimeout, DefaultIdleTimeout)
	def(&opts.ShutdownTimeout, DefaultShutdownTimeout)
	def(&opts.AdminTimeout, DefaultAdminTimeout)
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxAdminBody <= 0 {
		opts.MaxAdminBody = DefaultMaxAdminBody
	}
	if opts.Remember == 0 {
		opts.Remember = DefaultRemember
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{live: live, opts: opts, mux: http.NewServeMux(), m: newMetrics(opts.Version), log: opts.Logger}
	if opts.MaxInFlight == 0 {
		opts.MaxInFlight = DefaultMaxInFlight()
	}
	if opts.MaxInFlight > 0 {
		s.slots = make(chan struct{}, opts.MaxInFlight)
	}
	if opts.Store != nil && opts.Remember > 0 {
		s.rec = newRecorder(opts.Store, opts.Remember, func(n int) { s.m.seenQueued.Set(float64(n)) },
			func() { s.m.seenDropped.Inc() })
	}
	s.routes()
	s.observeEngine()
	s.kbPointer = s.readKBPointer()
	return s, nil
}

// readKBPointer returns the content of the knowledge base's pointer file
// (kb.Import switches it atomically), "" without one.
func (s *Server) readKBPointer() string {
	if s.opts.KBDir == "" {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(s.opts.KBDir, "CURRENT"))
	if err != nil {
		return ""
	}
	return string(b)
}

// checkKB reloads the engine when another process changed the knowledge
// base ('antwort kb add', an import not sent to this server).
func (s *Server) checkKB(ctx context.Context) {
	if s.opts.KBDir == "" {
		return
	}
	s.admin.Lock()
	defer s.admin.Unlock()
	p := s.readKBPointer()
	if p == "" || p == s.kbPointer {
		return
	}
	s.log.Info("knowledge base changed on disk; reloading", slog.String("kb", s.opts.KBDir))
	if err := s.reloadLive(ctx); err == nil {
		s.kbPointer = p
	}
}

// Reload rebuilds the engine from the store's active models and the
// knowledge base as they are now, and swaps it in (what POST /v1/reload
// and SIGHUP in 'antwort serve' do).
func (s *Server) Reload(ctx context.Context) error {
	s.admin.Lock()
	defer s.admin.Unlock()
	p := s.readKBPointer()
	if err := s.reloadLive(ctx); err != nil {
		return err
	}
	s.kbPointer = p
	return nil
}

// access is who may call an endpoint.
type access int

const (
	public access = iota // no token
	client               // any token
	admin                // an admin token
)

// route is an endpoint: its ServeMux pattern, who may call it, and its
// handler.
type route struct {
	pattern string
	access  access
	fn      func(http.ResponseWriter, *http.Request) error
}

// routeTable lists the endpoints (api/openapi.yaml documents each).
func (s *Server) routeTable() []route {
	metricsAccess := client
	if s.opts.PublicMetrics {
		metricsAccess = public
	}
	return []route{
		{"GET /healthz", public, s.health},
		{"GET /metrics", metricsAccess, func(w http.ResponseWriter, r *http.Request) error {
			s.m.handler.ServeHTTP(w, r)
			return nil
		}},
		{"POST /v1/classify", client, s.limited(s.classify)},
		{"POST /v1/suggest", client, s.limited(s.suggest)},
		{"POST /v1/feedback", client, s.limited(s.feedback)},
		{"GET /v1/models", client, s.listModels},
		{"GET /v1/models/{name}/diff", client, s.diffModels},
		{"POST /v1/models/{name}/activate", admin, s.activate},
		{"POST /v1/models/{name}/rollback", admin, s.rollback},
		{"DELETE /v1/models/{name}/{version}", admin, s.deleteModel},
		{"GET /v1/audit", client, s.audit},
		{"GET /v1/kb/answers", client, s.answers},
		{"POST /v1/kb/import", admin, s.importKB},
		{"POST /v1/retrain", admin, s.retrain},
		{"POST /v1/reload", admin, s.reload},
	}
}

func (s *Server) routes() {
	for _, rt := range s.routeTable() {
		s.mux.Handle(rt.pattern, s.wrap(rt.pattern, rt.access, rt.fn))
	}
	s.mux.Handle("/", s.wrap("/", public, s.notFound))
}

// limited runs fn when one of the MaxInFlight slots is free. Waiting
// requests queue in arrival order (they are not runnable meanwhile), so
// the CPU goes to few requests at a time, and to Run's background work,
// instead of being spread over hundreds that all finish late.
func (s *Server) limited(fn func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	if s.slots == nil {
		return fn
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		select {
		case s.slots <- struct{}{}:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		defer func() { <-s.slots }()
		return fn(w, r)
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// statusWriter records the status code.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type tokenKey struct{}

// tokenOf returns the token that authenticated r ("" name with NoAuth).
func tokenOf(r *http.Request) Token {
	t, _ := r.Context().Value(tokenKey{}).(Token)
	return t
}

// ActorHeader optionally names the person behind a request
// ("cli:anna@host"); the audit trail records it after the token's name.
const ActorHeader = "X-Antwort-Actor"

// actor names who sent r, for the audit trail and the feedback log:
// "token:<name>", followed by "/" and the ActorHeader value if given.
func actor(r *http.Request) string {
	a := "http:" + r.RemoteAddr
	if t := tokenOf(r); t.Name != "" {
		a = "token:" + t.Name
	}
	if h := r.Header.Get(ActorHeader); h != "" {
		h = strings.Map(func(c rune) rune {
			if c < ' ' || c > '~' {
				return -1
			}
			return c
		}, h)
		if len(h) > 64 {
			h = h[:64]
		}
		a += "/" + h
	}
	return a
}

// wrap adds authentication, metrics, logging and error rendering.
func (s *Server) wrap(route string, a access, fn func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.m.inFlight.Inc()
		w := &statusWriter{ResponseWriter: rw}
		r, err := s.authorize(w, r, a)
		if err == nil {
			err = fn(w, r.WithContext(models.WithActor(r.Context(), actor(r))))
		}
		if err != nil {
			s.writeError(w, r, err)
		}
		if w.code == 0 {
			w.code = http.StatusOK
		}
		d := time.Since(start)
		s.m.inFlight.Dec()
		label := route
		if route == "/" {
			label = "unmatched"
		}
		s.m.requests.WithLabelValues(label, methodLabel(r.Method), strconv.Itoa(w.code)).Inc()
		s.m.latency.WithLabelValues(label).Observe(d.Seconds())
		s.log.Debug("request", slog.String("method", r.Method), slog.String("route", label), slog.Int("status", w.code),
			slog.Duration("took", d), slog.String("by", tokenOf(r).Name))
	})
}

// authorize checks the bearer token and returns r with the token in its
// context.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, a access) (*http.Request, error) {
	if a == public || s.opts.NoAuth {
		return r, nil
	}
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="antwort"`)
		return r, apiErr(http.StatusUnauthorized, CodeUnauthorized, "missing bearer token: send the header 'Authorization: Bearer <token>'")
	}
	t, ok := s.opts.Tokens.Check(strings.TrimSpace(secret))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="antwort", error="invalid_token"`)
		return r, apiErr(http.StatusUnauthorized, CodeInvalidToken, "the bearer token is not valid")
	}
	if a == admin && !t.Admin() {
		return r, apiErr(http.StatusForbidden, CodeForbidden, fmt.Sprintf("token %q has the %s role; %s %s needs an admin token", t.Name, t.Role, r.Method, r.URL.Path))
	}
	return r.WithContext(context.WithValue(r.Context(), tokenKey{}, t)), nil
}

// notFound answers requests no route matched: 405 with an Allow header
// when the path exists for other methods, else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return apiErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, strings.Join(allow, " or ")))
	}
	return apiErr(http.StatusNotFound, CodeNotFound, fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path))
}

// Run does the background work until ctx is done: it writes answered
// messages to the store every FlushInterval, reloads the engine when the
// knowledge base was changed on disk by another process, and, with
// RetrainEvery, retrains on schedule. On return everything queued has been written
// (or the error says why not).
func (s *Server) Run(ctx context.Context) error {
	tick := time.NewTicker(FlushInterval)
	defer tick.Stop()
	var soon <-chan struct{}
	if s.rec != nil {
		soon = s.rec.soon
	}
	var retrain <-chan time.Time
	if s.opts.RetrainEvery > 0 && s.opts.Store != nil {
		t := time.NewTicker(s.opts.RetrainEvery)
		defer t.Stop()
		retrain = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return s.Flush(context.Background())
		case <-soon:
			if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("write answered messages", slog.String("err", err.Error()))
			}
		case <-tick.C:
			if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("write answered messages", slog.String("err", err.Error()))
			}
			s.checkKB(ctx)
		case <-retrain:
			s.scheduledRetrain(ctx)
		}
	}
}

// Flush writes the answered messages queued so far to the store.
func (s *Server) Flush(ctx context.Context) error {
	if s.rec == nil {
		return nil
	}
	start := time.Now()
	err := s.rec.flush(ctx)
	s.m.flush.Observe(time.Since(start).Seconds())
	return err
}

// Serve serves HTTP on ln until ctx is done, with the timeouts of
// Options, and runs Run alongside. When ctx is done it stops accepting
// connections, lets in-flight requests finish (at most ShutdownTimeout),
// flushes and returns nil; a failure of the listener is returned.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.opts.ReadTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	runCtx, stopRun := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- s.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	stopRun()
	if ferr := <-runDone; err == nil || errors.Is(err, http.ErrServerClosed) {
		err = ferr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// observeEngine updates the gauges that describe the current engine.
func (s *Server) observeEngine() {
	if st, ok := s.live.State(); ok {
		s.m.setVersions(st.Versions)
		s.m.articles.Set(float64(st.Articles))
		s.m.generation.Set(float64(st.Generation))
	}
}

// reloadLive reloads the engine and records the outcome.
func (s *Server) reloadLive(ctx context.Context) error {
	err := s.live.Reload(ctx)
	if err != nil {
		s.m.reloads.WithLabelValues("error").Inc()
		s.log.Error("reload", slog.String("err", err.Error()))
		return err
	}
	s.m.reloads.WithLabelValues("ok").Inc()
	s.observeEngine()
	return nil
}
