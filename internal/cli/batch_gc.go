package cli

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings of a batch run, unless the GOGC and
// GOMEMLIMIT environment variables say otherwise.
const (
	batchGCPercent = 200       // collect when the heap has grown by 3x its live size, not 2x
	batchMemLimit  = 400 << 20 // but collect harder before the heap passes 400 MiB
)

// batchGC makes a batch run trade memory for CPU: a run allocates a
// little per mail and keeps little of it, so collecting less often saves
// CPU while the memory limit bounds the peak. Measured with bench/batch.sh
// (100,000 mails, 2 cores): GOGC 100 23.1-24.2 s, peak RSS 127-129 MB;
// 200 20.9-21.4 s, 175-177 MB; 400 21.5-21.8 s, 267 MB.
func batchGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(batchGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(batchMemLimit)
	}
}
