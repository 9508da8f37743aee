package natsq

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestMetricsPassPromlint lints every metric of the worker's registry,
// each with a value, so that none is missed for having no series yet.
func TestMetricsPassPromlint(t *testing.T) {
	m := newMetrics()
	m.messages.WithLabelValues("decided").Inc()
	m.decisions.WithLabelValues("send", "parcel_missing").Inc()
	m.replies.WithLabelValues("sent").Inc()
	m.inFlight.WithLabelValues("inbound").Set(1)
	m.latency.Observe(0.01)
	m.pushes.WithLabelValues("applied").Inc()
	m.setModels(ModelRef{Push: "p1", Versions: []string{"intent@3", "lexicon"}, Generation: 2})
	m.connected.Set(1)
	m.reconnects.Inc()
	m.pending.WithLabelValues(WorkersConsumer).Set(3)
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if strings.HasPrefix(mf.GetName(), "antwort_") && strings.Contains(mf.GetName(), "_kb_") {
			t.Errorf("%s: say knowledge_base, not kb (kilobytes)", mf.GetName())
		}
	}
	for _, want := range []string{"antwort_build_info", "antwort_model_info", "antwort_decisions_total", "antwort_engine_generation",
		"antwort_worker_push_info", "antwort_worker_message_duration_seconds"} {
		if !names[want] {
			t.Errorf("the worker's registry has no %s", want)
		}
	}
}
