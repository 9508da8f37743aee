package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/antwort-dev/antwort"
)

// loadMessages are what the load clients send, German and English.
var loadMessages = []string{
	`{"subject":"Kündigung","text":"Hiermit kündige ich meinen Vertrag zum nächstmöglichen Termin.","from":"Petra Schulz <petra@example.com>"}`,
	`{"text":"Wo bleibt meine Bestellung 4711-2231? Seit zwei Wochen nichts!","from":"max@example.com"}`,
	`{"text":"I forgot my password and can't log in to my account.","channel":"chat"}`,
	`{"subject":"Rechnung falsch","text":"Auf meiner Rechnung ist der Betrag doppelt berechnet worden."}`,
	`{"text":"The parcel arrived damaged, the screen is cracked.","from":"John Smith <john@example.org>"}`,
	`{"text":"Vielen Dank für die schnelle Hilfe, super Service!","channel":"twitter"}`,
}

// TestHotReloadUnderLoad runs 20 clients against /v1/suggest; once the
// first model version has answered, the second is activated and the
// knowledge base is re-imported through the API, and the clients go on
// until the second version has answered too (progress, not time, decides:
// a loaded machine answers a few dozen requests a second). No request may
// fail. The 200 client / 30 s version is bench/load.
func TestHotReloadUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	e := newEnv(t, nil)
	const clients = 20
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	var ok, failed atomic.Int64
	var mu sync.Mutex
	var failures []string
	models := map[string]int{} // intent model version -> answers
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				body := loadMessages[(c+i)%len(loadMessages)]
				req, _ := http.NewRequest("POST", e.http.URL+"/v1/suggest", bytes.NewBufferString(body))
				req.Header.Set("Authorization", "Bearer "+clientToken)
				resp, err := hc.Do(req)
				var data []byte
				if err == nil {
					data, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				var sug antwort.Suggestion
				if err == nil && resp.StatusCode != 200 {
					err = fmt.Errorf("status %d: %s", resp.StatusCode, data)
				}
				if err == nil {
					err = json.Unmarshal(data, &sug)
				}
				if err == nil && (sug.Intent.Model == "" || sug.Decision.Action == "") {
					err = fmt.Errorf("incomplete answer: %s", data)
				}
				if err != nil {
					failed.Add(1)
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				ok.Add(1)
				mu.Lock()
				models[sug.Intent.Model]++
				mu.Unlock()
			}
		}()
	}

	// answered waits until version has answered at least n requests, or
	// a minute has passed.
	answered := func(version string, n int) {
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			got := models[version]
			mu.Unlock()
			if got >= n {
				return
			}
		}
	}
	answered("intent@1", 30)
	e.do(t, "POST", "/v1/models/intent/activate", adminToken, `{"version":2}`).ok(t, "activate under load")
	answered("intent@2", 10)
	e.do(t, "POST", "/v1/kb/import", adminToken, map[string]any{"articles": sampleArticles(t)}).ok(t, "kb import under load")
	answered("intent@2", 40)
	cancel()
	wg.Wait()
	dur := time.Since(start)

	if failed.Load() > 0 {
		t.Errorf("%d of %d requests failed during activation and import; first: %v", failed.Load(), ok.Load()+failed.Load(), failures[0])
	}
	if ok.Load() < 50 || models["intent@1"] == 0 || models["intent@2"] == 0 {
		t.Errorf("%d requests answered, by model: %v; want both versions to have answered", ok.Load(), models)
	}
	st, _ := e.live.State()
	if st.Generation != 3 || !slices.Equal(st.Versions[:1], []string{"intent@2"}) {
		t.Errorf("engine after the run = %+v, want generation 3 with intent@2", st)
	}
	t.Logf("%d requests in %v by %d clients, 0 failed; answers by model: %v", ok.Load(), dur, clients, models)
}
