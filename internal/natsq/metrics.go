package natsq

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are a worker's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg        *prometheus.Registry
	messages   *prometheus.CounterVec
	decisions  *prometheus.CounterVec
	replies    *prometheus.CounterVec
	inFlight   *prometheus.GaugeVec
	latency    prometheus.Histogram
	pushes     *prometheus.CounterVec
	model      *prometheus.GaugeVec
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
		Name: "antwort_worker_decisions_total", Help: "Decisions published, by action.",
	}, []string{"action"})
	m.replies = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_worker_replies_total",
		Help: "Replies by result: queued (on the outbox stream), sent, duplicate (claim shows it was sent), uncertain (claim of an unconfirmed delivery: not sent again), failed (dead-lettered), retried.",
	}, []string{"result"})
	m.inFlight = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_in_flight", Help: "Messages being processed by this worker, by stream (inbound, outbox).",
	}, []string{"stream"})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "antwort_worker_message_seconds", Help: "Time from fetching an inbound message to acknowledging it.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	})
	m.pushes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_worker_pushes_total", Help: "Model pushes seen, by result: applied, refused (from a newer antwort), failed.",
	}, []string{"result"})
	m.model = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_model_info", Help: "1 for the push and model versions in use.",
	}, []string{"push", "versions"})
	m.generation = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_worker_generation", Help: "Engine generation: 1, then +1 per model swap.",
	})
	m.connected = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_worker_nats_connected", Help: "1 while connected to NATS.",
	})
	m.reconnects = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "antwort_worker_nats_reconnects_total", Help: "Reconnections to NATS after a lost connection.",
	})
	m.pending = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_worker_consumer_pending",
		Help: "Messages waiting in the shared consumer (not yet delivered), as last seen by this worker; scale workers on it.",
	}, []string{"consumer"})
	m.reg.MustRegister(m.messages, m.decisions, m.replies, m.inFlight, m.latency, m.pushes, m.model, m.generation,
		m.connected, m.reconnects, m.pending, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
