package natsq

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff is a doubling wait between attempts: first after the first
// failure, twice that after the second, and so on up to max.
type backoff struct{ first, max time.Duration }

// The schedules: Connect while no server answers, a worker's fetch after a
// failed fetch, and a message's redelivery after a failed attempt.
var (
	connectBackoff  = backoff{first: 250 * time.Millisecond, max: 5 * time.Second}
	fetchBackoff    = backoff{first: 100 * time.Millisecond, max: 5 * time.Second}
	redeliveryDelay = backoff{first: time.Second, max: 32 * time.Second}
)

// after returns the wait after n failures in a row (n ≥ 1; less counts as
// 1): first·2^(n-1), at most max.
func (b backoff) after(n int) time.Duration {
	d := b.first
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// retryDelay is the wait before a message's next attempt after attempt
// failed ones: 1 s, 2 s, 4 s … 32 s, plus up to a quarter more at random
// so that messages that failed together are not all tried again together.
func retryDelay(attempt int) time.Duration {
	d := redeliveryDelay.after(attempt)
	return d + rand.N(d/4+1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
