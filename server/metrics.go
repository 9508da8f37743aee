package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state).
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	decisions   *prometheus.CounterVec
	intents     *prometheus.CounterVec
	version     *prometheus.GaugeVec
	reloads     *prometheus.CounterVec
	feedback    *prometheus.CounterVec
	articles    prometheus.Gauge
	seenQueued  prometheus.Gauge
	seenDropped prometheus.Counter
	flush       prometheus.Histogram
	handler     http.Handler
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "antwort_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16), // 0.5 ms .. 16 s
	}, []string{"route"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_http_in_flight_requests", Help: "Requests being served.",
	})
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_decisions_total", Help: "Reply policy decisions by action and predicted intent.",
	}, []string{"action", "intent"})
	m.intents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_classifications_total", Help: "Classified messages by predicted intent (abstain=true when below threshold).",
	}, []string{"intent", "abstain"})
	m.version = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_model_version", Help: "Version of the model in use by name (0: built-in lexicon).",
	}, []string{"name"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_reloads_total", Help: "Engine reloads (models or knowledge base) by result.",
	}, []string{"result"})
	m.feedback = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_feedback_total", Help: "Feedback entries stored, by flag (\"none\" for entries without flags).",
	}, []string{"flag"})
	m.articles = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_kb_articles", Help: "Articles in the knowledge base in use.",
	})
	m.seenQueued = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_seen_queued", Help: "Answered messages waiting to be written to the store.",
	})
	m.seenDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "antwort_seen_dropped_total", Help: "Answered messages not recorded because the queue to the store was full (the store is too slow).",
	})
	m.flush = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "antwort_store_flush_seconds", Help: "Time to write the queued answered messages to the store.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1 ms .. 8 s
	})
	m.reg.MustRegister(m.requests, m.latency, m.inFlight, m.decisions, m.intents, m.version, m.reloads, m.feedback,
		m.articles, m.seenQueued, m.seenDropped, m.flush, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// setVersions records the model versions of an engine ("intent@3",
// "sentiment@1" or "lexicon").
func (m *metrics) setVersions(versions []string) {
	m.version.Reset()
	for _, v := range versions {
		name, num, ok := strings.Cut(v, "@")
		if !ok {
			if v == "lexicon" {
				m.version.WithLabelValues("sentiment").Set(0)
			}
			continue
		}
		n, err := strconv.Atoi(num)
		if err == nil {
			m.version.WithLabelValues(name).Set(float64(n))
		}
	}
}

// methodLabel is the method label of a request: one of the standard
// methods, or "other". The method is the client's choice, and every label
// value is a series kept for the life of the process.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}
