package natsq

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is what a worker's /healthz reports.
type Health struct {
	// Status is "ok" (connected, models loaded, working), "starting"
	// (waiting for models), "disconnected" (reconnecting to NATS) or
	// "draining" (shutting down).
	Status    string    `json:"status"`
	Worker    string    `json:"worker"`
	Connected bool      `json:"connected"`
	Models    *ModelRef `json:"models,omitempty"`
	Loaded    time.Time `json:"loaded,omitzero"`
	// Refused is the last push this worker did not apply, and why.
	Refused   *refusal `json:"refused,omitempty"`
	Processed int64    `json:"processed"`
	// InFlight is the number of inbound messages fetched and not yet
	// finished (at most WorkerConfig.InFlight).
	InFlight int64  `json:"in_flight"`
	Uptime   string `json:"uptime"`
}

// Health reports the worker's state.
func (w *Worker) Health() Health {
	h := Health{Worker: w.cfg.Name, Connected: w.cfg.Conn.NC.IsConnected(), Processed: w.processed.Load(), InFlight: w.inFlight.Load(),
		Refused: w.refused.Load(), Uptime: time.Since(w.started).Round(time.Second).String()}
	if g, release := w.gens.acquire(); g != nil {
		ref := g.ref
		h.Models, h.Loaded = &ref, g.loaded
		release()
	}
	switch {
	case w.draining.Load():
		h.Status = "draining"
	case !h.Connected:
		h.Status = "disconnected"
	case h.Models == nil:
		h.Status = "starting"
	default:
		h.Status = "ok"
	}
	return h
}

// Handler serves GET /healthz (the Health as JSON; status 200 when "ok",
// 503 otherwise) and GET /metrics (Prometheus).
func (w *Worker) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, r *http.Request) {
		h := w.Health()
		rw.Header().Set("Content-Type", "application/json")
		if h.Status != "ok" {
			rw.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(rw).Encode(h)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(w.m.reg, promhttp.HandlerOpts{}))
	return mux
}
