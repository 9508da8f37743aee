package natsq

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/antwort-dev/antwort/models"
)

// metrics are a worker's Prometheus metrics, in a registry of its own.
// What the server (package server) also has goes by the same name:
// antwort_build_info, antwort_model_info, antwort_decisions_total,
// antwort_engine_generation; the rest starts with antwort_worker_.
type metrics struct {
	reg        *prometheus.Registry
	messages   *prometheus.CounterVec
	decisions  *prometheus.CounterVec
	replies    *prometheus.CounterVec
	inFlight   *prometheus.GaugeVec
	latency    prometheus.Histogram
	pushes     *prometheus.CounterVec
	models     *prometheus.GaugeVec
	push       *prometheus.GaugeVec
	generation prometheus.Gauge
	connected  prometheus.Gauge
	reconnects prometheus.Counter
	pending    *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.messages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_worker_messages_total",
		Help: "Inbound messages by result: decided, duplicate (decision already in the stream), retried (negatively acknowledged for a later attempt), dead (dead-lettered).",
	}, []string{"result"})
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_decisions_total", Help: "Reply policy decisions by action and predicted intent (a label of the model in use).",
	}, []string{"action", "intent"})
	m.replies = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_worker_replies_total",
		Help: "Replies by result: queued (on the outbox stream), sent, duplicate (claim shows it was sent), uncertain (claim of an unconfirmed delivery: not sent again), failed (dead-lettered), retried.",
	}, []string{"result"})
	m.inFlight = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_in_flight_messages", Help: "Messages being processed by this worker, by stream (inbound, outbox).",
	}, []string{"stream"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "antwort_worker_message_duration_seconds", Help: "Time from fetching an inbound message to acknowledging it.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	})
	m.pushes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_worker_pushes_total", Help: "Model pushes seen, by result: applied, refused (from a newer antwort), failed.",
	}, []string{"result"})
	m.models = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_model_info", Help: "1 for each model version in use: name and version (\"lexicon\" for the built-in sentiment lexicon).",
	}, []string{"name", "version"})
	m.push = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_push_info", Help: "1 for the push whose models are in use (push=\"\" for the worker's own store).",
	}, []string{"push"})
	m.generation = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_engine_generation", Help: "Engine generation: 1, then +1 per model swap.",
	})
	m.connected = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_worker_nats_connected", Help: "1 while connected to NATS.",
	})
	m.reconnects = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "antwort_worker_nats_reconnects_total", Help: "Reconnections to NATS after a lost connection.",
	})
	m.pending = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_consumer_pending_messages",
		Help: "Messages waiting in the shared consumer (not yet delivered), as last seen by this worker; scale workers on it.",
	}, []string{"consumer"})
	b := models.CurrentBuild()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_build_info", Help: "1, with the version, commit and Go release of the running antwort as labels.",
		ConstLabels: prometheus.Labels{"version": b.Version, "commit": b.Commit, "go_version": b.GoVersion},
	})
	build.Set(1)
	m.reg.MustRegister(m.messages, m.decisions, m.replies, m.inFlight, m.latency, m.pushes, m.models, m.push, m.generation,
		m.connected, m.reconnects, m.pending, build, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// setModels records the models of ref as the ones in use.
func (m *metrics) setModels(ref ModelRef) {
	m.models.Reset()
	for _, v := range ref.Versions {
		name, num, ok := strings.Cut(v, "@")
		if !ok && v == "lexicon" {
			name, num = "sentiment", "lexicon"
		} else if !ok {
			continue
		}
		m.models.WithLabelValues(name, num).Set(1)
	}
	m.push.Reset()
	m.push.WithLabelValues(ref.Push).Set(1)
	m.generation.Set(float64(ref.Generation))
}
