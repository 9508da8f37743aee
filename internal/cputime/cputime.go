// Package cputime gives the CPU time the process has used, for the
// benchmarks that report it per operation beside the wall-clock time: on
// a shared machine it moves less with what else runs.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Used returns the user and system CPU time of the process so far.
func Used(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
