package natsq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/kb"
)

// pushMarker is the file in the worker's knowledge base directory that
// names the SHA-256 of the pushed export it holds.
const pushMarker = ".antwort-push"

// loadInitial loads the current push, else the Local models; with
// neither, nothing (Run waits for a push).
func (w *Worker) loadInitial(ctx context.Context) error {
	m, err := ReadManifest(ctx, w.js)
	switch {
	case err == nil:
		err := w.apply(ctx, m)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.log.Error("current push not used", slog.String("push", m.ID), slog.String("err", err.Error()))
	case errors.Is(err, ErrNoPush):
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		w.log.Error("current push not read", slog.String("err", err.Error()))
	}
	if w.cfg.Local == nil {
		return nil
	}
	base, origin, err := w.cfg.Local(ctx)
	if err != nil {
		return err
	}
	g, err := w.build(base, ModelRef{Versions: base.Versions(), KB: w.cfg.KBDir, Origin: origin})
	if err != nil {
		return err
	}
	w.swap(g)
	return nil
}

// watch applies new pushes: on every update of the manifest, and every
// PushPoll in case a watch update was missed (a reconnect).
func (w *Worker) watch(ctx context.Context) {
	var updates <-chan *jetstream.ObjectInfo
	var watcher jetstream.ObjectWatcher
	defer func() {
		if watcher != nil {
			_ = watcher.Stop()
		}
	}()
	tick := time.NewTicker(w.cfg.PushPoll)
	defer tick.Stop()
	for {
		if watcher == nil {
			if obs, err := w.js.ObjectStore(ctx, ModelsBucket); err == nil {
				if watcher, err = obs.Watch(ctx, jetstream.UpdatesOnly()); err == nil {
					updates = watcher.Updates()
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case info, ok := <-updates:
			if !ok {
				watcher, updates = nil, nil
				continue
			}
			if info != nil && info.Name == ManifestObject && !info.Deleted {
				w.check(ctx)
			}
		case <-tick.C:
			w.check(ctx)
		}
	}
}

// check applies the current push if it is new and was not refused.
func (w *Worker) check(ctx context.Context) {
	m, err := ReadManifest(ctx, w.js)
	if err != nil {
		if !errors.Is(err, ErrNoPush) && ctx.Err() == nil {
			w.log.Debug("read manifest", slog.String("err", err.Error()))
		}
		return
	}
	if cur, ok := w.gens.current(); ok && cur.Push == m.ID {
		return
	}
	if r := w.refused.Load(); r != nil && r.Push == m.ID {
		return
	}
	if err := w.apply(ctx, m); err != nil && ctx.Err() == nil {
		w.log.Error("push not applied; keeping the models in use", slog.String("push", m.ID), slog.String("err", err.Error()))
	}
}

// apply loads the push m completely and only then swaps it in. A push
// that is refused or unusable is remembered and not tried again; the
// current models stay.
func (w *Worker) apply(ctx context.Context, m *Manifest) error {
	w.loadMu.Lock()
	defer w.loadMu.Unlock()
	if cur, ok := w.gens.current(); ok && cur.Push == m.ID {
		return nil
	}
	fail := func(err error) error {
		if errors.Is(err, ErrRefused) || errors.Is(err, ErrBadPush) {
			w.refused.Store(&refusal{Push: m.ID, Reason: err.Error(), At: time.Now().UTC()})
			if errors.Is(err, ErrRefused) {
				w.m.pushes.WithLabelValues("refused").Inc()
			} else {
				w.m.pushes.WithLabelValues("failed").Inc()
			}
			w.wake()
		}
		return err
	}
	p, err := LoadPush(ctx, w.js, m)
	if err != nil {
		return fail(err)
	}
	base, err := antwort.New(antwort.Config{Intent: p.Intent, IntentVersion: p.IntentVersion,
		Sentiment: p.Sentiment, SentimentVersion: p.SentimentVersion, Explain: -1, Logger: w.cfg.Logger})
	if err != nil {
		return fail(fmt.Errorf("%w: push %s: %w", ErrBadPush, m.ID, err))
	}
	ref := ModelRef{Push: m.ID, Versions: base.Versions(), KB: w.cfg.KBDir, Origin: m.Origin}
	if m.KB != nil {
		if err := w.importKB(ctx, m.KB.SHA256, p.Articles); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fail(fmt.Errorf("%w: push %s: knowledge base: %w", ErrBadPush, m.ID, err))
		}
		ref.KB = shortDigest(m.KB.SHA256)
	}
	g, err := w.build(base, ref)
	if err != nil {
		return fail(fmt.Errorf("%w: push %s: %w", ErrBadPush, m.ID, err))
	}
	w.swap(g)
	w.refused.Store(nil)
	w.m.pushes.WithLabelValues("applied").Inc()
	return nil
}

// swap makes g current and updates the metrics and the log.
func (w *Worker) swap(g *generation) {
	w.gens.swap(g)
	w.m.setModels(g.ref)
	w.wake()
	w.log.Info("models in use", slog.String("push", g.ref.Push), slog.Any("versions", g.ref.Versions),
		slog.String("kb", g.ref.KB), slog.Int("generation", g.ref.Generation))
}

// importKB replaces the content of KBDir with arts unless it already
// holds the export with the given digest (another worker on this machine
// imported it, or this one before a restart).
func (w *Worker) importKB(ctx context.Context, sum string, arts []kb.Article) error {
	marker := filepath.Join(w.cfg.KBDir, pushMarker)
	if b, err := os.ReadFile(marker); err == nil && strings.TrimSpace(string(b)) == sum {
		if k, err := kb.Open(w.cfg.KBDir, &kb.Options{ReadOnly: true, Timeout: w.cfg.KBTimeout}); err == nil {
			_ = k.Close()
			return nil
		}
	}
	if _, err := kb.Import(ctx, w.cfg.KBDir, arts, &kb.Options{Timeout: w.cfg.KBTimeout}); err != nil {
		return err
	}
	tmp := marker + ".tmp"
	if err := os.WriteFile(tmp, []byte(sum+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, marker)
}
