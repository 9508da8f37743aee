//go:build race

package ingest

// raceDetector is true when the tests run with -race, which makes
// memory figures meaningless and big inputs slow.
const raceDetector = true
