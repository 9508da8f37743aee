package antwort

import (
	"embed"
	"io/fs"
)

//go:embed testdata/demo/train.jsonl testdata/demo/inbox.jsonl
var sampleFS embed.FS

// SampleData returns the project's own sample data, written for antwort:
// "train.jsonl" (labelled German and English service requests with
// "intent" and "sentiment" fields) and "inbox.jsonl" (a held-out inbox
// with the true labels). The demo command uses it.
func SampleData() fs.FS {
	sub, err := fs.Sub(sampleFS, "testdata/demo")
	if err != nil {
		// Unreachable: the directory is embedded at build time.
		panic(err)
	}
	return sub
}
