package server

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/antwort-dev/antwort/models"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state). The worker (internal/natsq) uses the same names for
// the same things: antwort_build_info, antwort_model_info,
// antwort_decisions_total, antwort_engine_generation.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	decisions   *prometheus.CounterVec
	intents     *prometheus.CounterVec
	models      *prometheus.GaugeVec
	generation  prometheus.Gauge
	reloads     *prometheus.CounterVec
	feedback    *prometheus.CounterVec
	articles    prometheus.Gauge
	seenQueued  prometheus.Gauge
	seenDropped prometheus.Counter
	flush       prometheus.Histogram
	handler     http.Handler
}

func newMetrics(version string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_http_requests_total", Help: "HTTP requests by route pattern (\"unmatched\" for none), method (\"other\" for a non-standard one) and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "antwort_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16), // 0.5 ms .. 16 s
	}, []string{"route"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_http_in_flight_requests", Help: "Requests being served.",
	})
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_decisions_total", Help: "Reply policy decisions by action and predicted intent (a label of the model in use).",
	}, []string{"action", "intent"})
	m.intents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_classifications_total", Help: "Classified messages by predicted intent (abstain=true when below threshold).",
	}, []string{"intent", "abstain"})
	m.models = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "antwort_model_info", Help: "1 for each model version in use: name and version (\"lexicon\" for the built-in sentiment lexicon).",
	}, []string{"name", "version"})
	m.generation = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_engine_generation", Help: "Engine generation: 1, then +1 per reload that swapped in new models or a new knowledge base.",
	})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_reloads_total", Help: "Engine reloads (models or knowledge base) by result.",
	}, []string{"result"})
	m.feedback = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "antwort_feedback_total", Help: "Feedback entries stored, by flag (\"none\" for entries without flags).",
	}, []string{"flag"})
	m.articles = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_knowledge_base_articles", Help: "Articles in the knowledge base in use.",
	})
	m.seenQueued = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_seen_queued_messages", Help: "Answered messages waiting to be written to the store.",
	})
	m.seenDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "antwort_seen_dropped_total", Help: "Answered messages not recorded because the queue to the store was full (the store is too slow).",
	})
	m.flush = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "antwort_store_flush_duration_seconds", Help: "Time to write the queued answered messages to the store.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14), // 1 ms .. 8 s
	})
	m.reg.MustRegister(m.requests, m.latency, m.inFlight, m.decisions, m.intents, m.models, m.generation, m.reloads, m.feedback,
		m.articles, m.seenQueued, m.seenDropped, m.flush, buildInfo(version),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// buildInfo is antwort_build_info: 1, with the build's version, commit
// and Go release as labels (version: Options.Version when set).
func buildInfo(version string) prometheus.Collector {
	b := models.CurrentBuild()
	if version == "" {
		version = b.Version
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "antwort_build_info", Help: "1, with the version, commit and Go release of the running antwort as labels.",
		ConstLabels: prometheus.Labels{"version": version, "commit": b.Commit, "go_version": b.GoVersion},
	})
	g.Set(1)
	return g
}

// setVersions records the model versions of an engine ("intent@3",
// "sentiment@1" or "lexicon").
func (m *metrics) setVersions(versions []string) {
	m.models.Reset()
	for _, v := range versions {
		name, num, ok := strings.Cut(v, "@")
		if !ok && v == "lexicon" {
			name, num = "sentiment", "lexicon"
		} else if !ok {
			continue
		}
		m.models.WithLabelValues(name, num).Set(1)
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
