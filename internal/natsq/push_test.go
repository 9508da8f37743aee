package natsq

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/models"
)

func blob(t *testing.T) []byte {
	t.Helper()
	b, err := intentModel(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pushVersion(t *testing.T, c *Conn, v int, b []byte) *Manifest {
	t.Helper()
	m, err := Push(context.Background(), c.JS, PushInput{Models: []ModelBlob{{Info: models.Info{Name: "intent", Version: v, Kind: "svm"}, Blob: b}},
		Articles: articles(t), Origin: "test:antwort.db", Code: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPushSwapsAllWorkers starts two workers without models (they wait),
// pushes a model, lets them decide, pushes another version in the middle
// of the run and checks that both switch, that every decision records the
// push it was decided with and model versions that belong to that push
// (no half-loaded engine), and that the messages published after the
// switch are all decided by the new push.
func TestPushSwapsAllWorkers(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	publishMails(t, c, 0, 150)
	ws, _ := runWorkers(t, 2, func(i int) WorkerConfig {
		return WorkerConfig{Conn: c, Name: fmt.Sprintf("w%d", i), KBDir: kbDir(t), InFlight: 2, PushPoll: time.Hour}
	})
	time.Sleep(300 * time.Millisecond)
	for _, w := range ws {
		if h := w.Health(); h.Status != "starting" || h.Models != nil {
			t.Errorf("before any push: health %+v", h)
		}
	}
	if n := streamMsgs(t, c, DecisionsStream); n != 0 {
		t.Fatalf("%d decisions before any model was pushed", n)
	}
	b := blob(t)
	p1 := pushVersion(t, c, 3, b)
	waitFor(t, time.Minute, "some decisions with push 1", func() bool { return streamMsgs(t, c, DecisionsStream) >= 30 })
	p2 := pushVersion(t, c, 4, b)
	if p1.ID == p2.ID {
		t.Fatalf("two pushes with the same id %s", p1.ID)
	}
	waitFor(t, 30*time.Second, "both workers on push 2", func() bool {
		for _, w := range ws {
			if h := w.Health(); h.Models == nil || h.Models.Push != p2.ID {
				return false
			}
		}
		return true
	})
	publishMails(t, c, 1000, 50)
	waitFor(t, time.Minute, "all decided", func() bool { return streamMsgs(t, c, DecisionsStream) >= 200 })
	want := map[string]string{p1.ID: "intent@3", p2.ID: "intent@4"}
	count := map[string]int{}
	for _, d := range decisions(t, c.JS) {
		count[d.Models.Push]++
		if v, ok := want[d.Models.Push]; !ok || d.Intent.Model != v || d.Models.Versions[0] != v || d.Models.KB != p2.KB.SHA256[:12] {
			t.Errorf("decision %s: push %q, intent model %q, versions %v, kb %q", d.ID, d.Models.Push, d.Intent.Model, d.Models.Versions, d.Models.KB)
		}
		var num int
		if _, err := fmt.Sscanf(d.ID, "m%d@", &num); err != nil {
			t.Fatalf("decision id %q: %v", d.ID, err)
		}
		if num >= 1000 && d.Models.Push != p2.ID {
			t.Errorf("message %s, published after the switch, decided by push %s", d.ID, d.Models.Push)
		}
	}
	if count[p1.ID] == 0 || count[p2.ID] == 0 {
		t.Errorf("decisions per push: %v", count)
	}
	t.Logf("decisions per push: %v", count)
}

// TestNewerPushRefused pushes what a newer antwort would: a manifest of a
// newer store schema, a newer manifest format, a model blob of a newer
// encoding, and a manifest naming a missing object. Workers refuse each,
// say why in their health, and keep deciding with the models they have.
func TestNewerPushRefused(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	good := pushVersion(t, c, 1, blob(t))
	ws, _ := runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), PushPoll: 200 * time.Millisecond}
	})
	w := ws[0]
	waitFor(t, 30*time.Second, "push 1 in use", func() bool { h := w.Health(); return h.Models != nil && h.Models.Push == good.ID })

	newer := blob(t)
	binary.LittleEndian.PutUint32(newer[len("antwort-model\x00"):], classifier.FormatVersion+1)
	blobPush := pushVersion(t, c, 2, newer)

	cases := []struct {
		name   string
		put    func() string // returns the push id
		reason string
		err    error
	}{
		{"newer schema", func() string {
			m := *good
			m.ID, m.Schema = "schema", models.SchemaVersion+1
			return put(t, c, &m)
		}, "schema", ErrRefused},
		{"newer manifest format", func() string {
			m := *good
			m.ID, m.Format = "format", ManifestFormat+1
			return put(t, c, &m)
		}, "manifest format", ErrRefused},
		{"newer model encoding", func() string { return put(t, c, blobPush) }, "newer", ErrRefused},
		{"missing object", func() string {
			m := *good
			m.ID = "missing"
			m.Models = append([]PushedModel(nil), good.Models...)
			m.Models[0].Object = "model/nothing"
			return put(t, c, &m)
		}, "model/nothing", ErrBadPush},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.put()
			waitFor(t, 30*time.Second, "refusal", func() bool { r := w.Health().Refused; return r != nil && r.Push == id })
			h := w.Health()
			if !strings.Contains(h.Refused.Reason, tc.reason) || h.Models.Push != good.ID {
				t.Errorf("health after refusal: %+v, refused %+v", h, h.Refused)
			}
			m, err := ReadManifest(ctx, c.JS)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := LoadPush(ctx, c.JS, m); !errors.Is(err, tc.err) {
				t.Errorf("LoadPush: %v, want %v", err, tc.err)
			}
			publishMails(t, c, 100*i, 5)
			waitFor(t, 30*time.Second, "decisions", func() bool { return streamMsgs(t, c, InboundStream) == 0 })
		})
	}
	for _, d := range decisions(t, c.JS) {
		if d.Models.Push != good.ID || d.Intent.Model != "intent@1" {
			t.Errorf("decision %s by %q %q after refused pushes", d.ID, d.Models.Push, d.Intent.Model)
		}
	}
	// The good push applies again once it is current.
	good2 := pushVersion(t, c, 5, blob(t))
	waitFor(t, 30*time.Second, "good push after refusals", func() bool { h := w.Health(); return h.Models.Push == good2.ID && h.Refused == nil })
}

func put(t *testing.T, c *Conn, m *Manifest) string {
	t.Helper()
	if err := PutManifest(context.Background(), c.JS, m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}
