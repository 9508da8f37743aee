package natsq

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBackoffSchedules(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		b    backoff
		want []time.Duration // after 1, 2, … failures
	}{
		{"connect", connectBackoff, []time.Duration{250 * ms, 500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}},
		{"fetch", fetchBackoff, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 5 * time.Second, 5 * time.Second}},
		{"redelivery", redeliveryDelay, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 32 * time.Second}},
	}
	for _, tt := range tests {
		var got []time.Duration
		for n := 1; n <= len(tt.want); n++ {
			got = append(got, tt.b.after(n))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
		if got := tt.b.after(1 << 20); got != tt.b.max {
			t.Errorf("%s: after(2^20) = %v, want the maximum %v", tt.name, got, tt.b.max)
		}
	}
}

// TestRetryDelayJitter: a redelivery waits its schedule's delay plus up to
// a quarter more.
func TestRetryDelayJitter(t *testing.T) {
	for attempt := 1; attempt <= 8; attempt++ {
		base := redeliveryDelay.after(attempt)
		for range 50 {
			if d := retryDelay(attempt); d < base || d > base+base/4 {
				t.Fatalf("retryDelay(%d) = %v, want %v to %v", attempt, d, base, base+base/4)
			}
		}
	}
}
