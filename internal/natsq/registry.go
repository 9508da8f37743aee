package natsq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// WorkersBucket is the key-value bucket where every worker reports its
// state every HeartbeatEvery; an entry older than WorkersTTL is gone
// (the worker stopped or lost its connection).
const (
	WorkersBucket  = "antwort_workers"
	HeartbeatEvery = 2 * time.Second
	WorkersTTL     = 7 * time.Second
)

// WorkerState is what a worker reports about itself.
type WorkerState struct {
	Name      string    `json:"name"`
	Host      string    `json:"host,omitempty"`
	PID       int       `json:"pid,omitempty"`
	Status    string    `json:"status"` // as in Health
	Models    *ModelRef `json:"models,omitempty"`
	Refused   *refusal  `json:"refused,omitempty"`
	Processed int64     `json:"processed"`
	Sending   bool      `json:"sending"` // delivers replies
	Started   time.Time `json:"started"`
	Updated   time.Time `json:"updated"`
}

func workersBucket(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, WorkersBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: WorkersBucket, Description: "antwort: live workers and their models",
			History: 1, TTL: WorkersTTL, Storage: jetstream.MemoryStorage, Replicas: max(replicas, 1)})
		if errors.Is(err, jetstream.ErrBucketExists) {
			kv, err = js.KeyValue(ctx, WorkersBucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("natsq: bucket %s: %w", WorkersBucket, err)
	}
	return kv, nil
}

// heartbeat reports the worker's state until ctx is done, and removes it
// at the end.
func (w *Worker) heartbeat(ctx context.Context) {
	kv, err := workersBucket(ctx, w.js, 1)
	if err != nil {
		w.log.Warn("worker registry unavailable", "err", err.Error())
		return
	}
	host, _ := os.Hostname()
	key := keyToken(w.cfg.Name)
	put := func() {
		h := w.Health()
		st := WorkerState{Name: w.cfg.Name, Host: host, PID: os.Getpid(), Status: h.Status, Models: h.Models, Refused: h.Refused,
			Processed: h.Processed, Sending: w.cfg.Sender != nil, Started: w.started.UTC(), Updated: time.Now().UTC()}
		b, _ := json.Marshal(st)
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		_, _ = kv.Put(pctx, key, b)
	}
	t := time.NewTicker(HeartbeatEvery)
	defer t.Stop()
	for {
		put()
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = kv.Delete(dctx, key)
			cancel()
			return
		case <-t.C:
		case <-w.beat:
		}
	}
}

// wake makes the heartbeat report now (after a swap or a refusal).
func (w *Worker) wake() {
	select {
	case w.beat <- struct{}{}:
	default:
	}
}

// Workers returns the state of every live worker, by name.
func Workers(ctx context.Context, js jetstream.JetStream) ([]WorkerState, error) {
	kv, err := workersBucket(ctx, js, 1)
	if err != nil {
		return nil, err
	}
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []WorkerState
	for key := range lister.Keys() {
		e, err := kv.Get(ctx, key)
		if err != nil {
			continue // gone meanwhile
		}
		var st WorkerState
		if json.Unmarshal(e.Value(), &st) == nil && time.Since(st.Updated) < WorkersTTL {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
