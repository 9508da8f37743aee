package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

// A running 'antwort serve' owns the store (and the writable knowledge
// base). It announces itself in a file beside the store, <db>.server,
// readable only by its user, with its URL and an admin token made for
// local commands. Commands that change the store read it and call the
// server instead of fighting over the lock; --server URL (or
// ANTWORT_SERVER) with a token (--token-file or ANTWORT_TOKEN) names a
// server explicitly.

// serverFileSuffix is appended to the store path to name the announcement.
const serverFileSuffix = ".server"

// serverFile is the content of <db>.server.
type serverFile struct {
	URL     string    `json:"url"`
	Token   string    `json:"token"`
	PID     int       `json:"pid"`
	DB      string    `json:"db"`
	KB      string    `json:"kb,omitempty"`
	Started time.Time `json:"started"`
}

func serverFilePath(db string) string { return db + serverFileSuffix }

// writeServerFile writes f atomically with mode 0600.
func writeServerFile(path string, f serverFile) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readServerFile reads <db>.server; ok is false when there is none.
func readServerFile(db string) (f serverFile, ok bool, err error) {
	path := serverFilePath(db)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, false, nil
	}
	if err != nil {
		return f, false, err
	}
	if err := json.Unmarshal(data, &f); err != nil || f.URL == "" {
		return f, false, fmt.Errorf("%s is not a server announcement (%v); remove it if no server runs", path, err)
	}
	return f, true, nil
}

// remoteOptions are the flags that name a server explicitly.
type remoteOptions struct {
	url       string
	tokenFile string
}

func addRemoteFlags(f interface {
	StringVar(*string, string, string, string)
}, r *remoteOptions) {
	f.StringVar(&r.url, "server", "", "URL of a running antwort server to send the change to (default: the one announced in <db>.server)")
	f.StringVar(&r.tokenFile, "token-file", "", "file whose first token authenticates with --server (default env ANTWORT_TOKEN)")
}

// remote is a client of a running server.
type remote struct {
	url, token string
	pid        int    // from the announcement, 0 otherwise
	kb         string // absolute knowledge base directory, from the announcement
	announced  bool   // found through <db>.server
	hc         *http.Client
}

func (r *remote) String() string {
	if r.pid > 0 {
		return fmt.Sprintf("the antwort server at %s (pid %d)", r.url, r.pid)
	}
	return "the antwort server at " + r.url
}

// findRemote returns the server to talk to, or nil to work on the store
// directly.
func (g *globalOptions) findRemote(ro remoteOptions) (*remote, error) {
	hc := &http.Client{Timeout: 0} // admin calls (retrain, import) may take minutes; ctx bounds them
	if ro.url != "" {
		token := os.Getenv("ANTWORT_TOKEN")
		if ro.tokenFile != "" {
			data, err := os.ReadFile(ro.tokenFile)
			if err != nil {
				return nil, err
			}
			for _, line := range strings.Split(string(data), "\n") {
				if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
					token = f[0]
					break
				}
			}
		}
		if token == "" {
			return nil, flagErrorf("--server %s needs a token: --token-file FILE or ANTWORT_TOKEN", ro.url)
		}
		return &remote{url: strings.TrimRight(ro.url, "/"), token: token, hc: hc}, nil
	}
	f, ok, err := readServerFile(g.db)
	if err != nil || !ok {
		return nil, err
	}
	return &remote{url: f.URL, token: f.Token, pid: f.PID, kb: f.KB, announced: true, hc: hc}, nil
}

// remoteError is an error answer of the server. It matches the models
// sentinels its code stands for, so exit codes come out as for a local
// command.
type remoteError struct {
	Status  int
	Code    string
	Message string
}

func (e *remoteError) Error() string { return e.Message }

func (e *remoteError) Unwrap() error {
	switch e.Code {
	case server.CodeModelNotFound:
		return models.ErrNotFound
	case server.CodeModelActive:
		return models.ErrActive
	case server.CodeNoHistory:
		return models.ErrNoHistory
	case server.CodeLocked:
		return models.ErrLocked
	}
	return nil
}

// errUnreachable marks a server that did not answer at all.
var errUnreachable = errors.New("server unreachable")

// call sends a request with a JSON body (nil: none) and decodes the
// JSON answer into out (nil: ignore).
func (r *remote) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set(server.ActorHeader, models.ActorFrom(localActor(ctx)))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %s does not answer: %v", errUnreachable, r, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", r, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Code != "" {
			return &remoteError{Status: resp.StatusCode, Code: e.Error.Code, Message: fmt.Sprintf("%s: %s", r, e.Error.Message)}
		}
		return &remoteError{Status: resp.StatusCode, Message: fmt.Sprintf("%s: HTTP %d: %s", r, resp.StatusCode, bytes.TrimSpace(data))}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s: decode answer: %w", r, err)
		}
	}
	return nil
}

// viaServer runs remoteFn against the server that owns the store, or
// localFn on the store when none runs. A stale announcement (the server
// is gone and the store is free) is removed with a warning; when the
// store stays locked by a server that does not answer, the error names
// that server.
func (g *globalOptions) viaServer(ctx context.Context, ro remoteOptions, remoteFn func(*remote) error, localFn func(*models.Store) error) error {
	r, err := g.findRemote(ro)
	if err != nil {
		return err
	}
	if r != nil {
		err := remoteFn(r)
		if err == nil || !errors.Is(err, errUnreachable) || !r.announced {
			return err
		}
		// The announced server does not answer: stale, or hung?
		s, oerr := g.openStore(false)
		if oerr != nil {
			if errors.Is(oerr, models.ErrLocked) {
				return fmt.Errorf("%w; %s holds %s but does not answer: %v", models.ErrLocked, r, g.db, err)
			}
			return oerr
		}
		fmt.Fprintf(g.io.ErrOut, "antwort: removing %s: %s is gone\n", serverFilePath(g.db), r)
		os.Remove(serverFilePath(g.db))
		return runLocal(s, localFn)
	}
	s, err := g.openStore(false)
	if err != nil {
		return err
	}
	return runLocal(s, localFn)
}

func runLocal(s *models.Store, fn func(*models.Store) error) error {
	if err := fn(s); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

// readOnlyViaServer is viaServer for reading: locally the store is opened
// read-only.
func (g *globalOptions) readOnlyViaServer(ctx context.Context, ro remoteOptions, remoteFn func(*remote) error, localFn func(*models.Store) error) error {
	r, err := g.findRemote(ro)
	if err != nil {
		return err
	}
	if r != nil {
		err := remoteFn(r)
		if err == nil || !errors.Is(err, errUnreachable) || !r.announced {
			return err
		}
	}
	s, err := g.openStore(true)
	if err != nil {
		if errors.Is(err, models.ErrLocked) && r != nil {
			return fmt.Errorf("%w; %s holds %s but does not answer", err, r, g.db)
		}
		return err
	}
	return runLocal(s, localFn)
}

// localActor names the user of a local command in the audit trail.
func localActor(ctx context.Context) context.Context {
	return models.WithActor(ctx, "cli:"+models.LocalActor())
}

// kbImportViaServer sends arts to the server that serves the knowledge
// base dir, if one runs, and reports whether it did. Without one (or
// when the announced one is gone) the caller imports locally: kb.Import
// works beside readers.
func (g *globalOptions) kbImportViaServer(ctx context.Context, ro remoteOptions, dir string, arts []kb.Article) (bool, error) {
	r, err := g.findRemote(ro)
	if err != nil || r == nil {
		return false, err
	}
	abs, _ := filepath.Abs(dir)
	if r.announced && r.kb != abs {
		return false, nil // the server serves another knowledge base
	}
	start := time.Now()
	var out server.ImportResponse
	err = r.call(ctx, http.MethodPost, "/v1/kb/import", server.ImportRequest{Articles: arts}, &out)
	if errors.Is(err, errUnreachable) && r.announced {
		fmt.Fprintf(g.io.ErrOut, "antwort: %v; importing directly\n", err)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, p := range out.Skipped {
		fmt.Fprintf(g.io.ErrOut, "antwort: the server skipped article %q: %s\n", p.ID, p.Error)
	}
	fmt.Fprintf(g.io.Out, "imported %d articles into %s via %s in %s; it now answers with %s\n", out.Articles, dir, r,
		time.Since(start).Round(time.Millisecond), strings.Join(out.Engine.Versions, ", "))
	if len(out.Skipped) > 0 {
		return true, &partialError{skipped: len(out.Skipped)}
	}
	return true, nil
}

// answerFeedback are the answer-learning counts per article, from the
// running server or the store; empty when there is no store.
type answerFeedback map[string]antwort.AnswerCount

func (g *globalOptions) answerFeedback(ctx context.Context, ro remoteOptions) (answerFeedback, error) {
	var by map[string]antwort.AnswerCount
	err := g.readOnlyViaServer(ctx, ro, func(r *remote) error {
		var resp server.AnswersResponse
		if err := r.call(ctx, http.MethodGet, "/v1/kb/answers", nil, &resp); err != nil {
			return err
		}
		by = resp.ByArticle
		return nil
	}, func(s *models.Store) error {
		st, err := antwort.LoadAnswerStats(ctx, s)
		if err != nil {
			return err
		}
		by = st.ByArticle()
		return nil
	})
	if errors.Is(err, models.ErrNotFound) {
		return answerFeedback{}, nil // no store: no feedback yet
	}
	return by, err
}

// columns are the USED, EDITED, DECLINED and WEIGHT cells of kb list.
func (f answerFeedback) columns(id string) string {
	c, ok := f[id]
	if !ok {
		return "-\t-\t-\t-"
	}
	return fmt.Sprintf("%d\t%d\t%d\t%.2f", c.Used, c.Edited, c.Declined, c.Weight)
}

// article is an article with its feedback counts, for kb list --format json.
func (f answerFeedback) article(a kb.Article) any {
	c, ok := f[a.ID]
	if !ok {
		return a
	}
	return struct {
		kb.Article
		Feedback antwort.AnswerCount `json:"feedback"`
	}{a, c}
}
