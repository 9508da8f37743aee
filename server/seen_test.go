package server

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/antwort-dev/antwort/models"
)

// TestRecorderNeverBlocks fills the queue beyond its bound: the surplus
// is dropped and counted, Run is asked to flush early, and a flush
// writes what was queued.
func TestRecorderNeverBlocks(t *testing.T) {
	store, err := models.Open(filepath.Join(t.TempDir(), "antwort.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	dropped, size := 0, 0
	r := newRecorder(store, 0, func(n int) { size = n }, func() { dropped++ })
	for i := range maxQueued + 5 {
		r.add(models.Seen{ID: fmt.Sprint("m", i), Text: "text"})
	}
	r.add(models.Seen{ID: "m0", Text: "replaced"}) // an id already queued is replaced, not dropped
	if dropped != 5 || size != maxQueued {
		t.Errorf("after %d adds: dropped %d, queue %d; want 5 and %d", maxQueued+6, dropped, size, maxQueued)
	}
	select {
	case <-r.soon:
	default:
		t.Errorf("a long queue did not ask for an early flush")
	}
	m, ok, err := r.lookup(context.Background(), "m0")
	if err != nil || !ok || m.Text != "replaced" {
		t.Errorf("lookup(m0) from the queue = %+v, %v, %v", m, ok, err)
	}
	if err := r.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if size != 0 {
		t.Errorf("queue after flush = %d", size)
	}
	m, ok, err = r.lookup(context.Background(), "m0")
	if err != nil || !ok || m.Text != "replaced" {
		t.Errorf("lookup(m0) from the store = %+v, %v, %v", m, ok, err)
	}
	all, err := store.RecentSeen(context.Background(), 0)
	if err != nil || len(all) != maxQueued {
		t.Errorf("store has %d messages, %v; want %d", len(all), err, maxQueued)
	}
}
