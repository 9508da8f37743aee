package antwort

import (
	"embed"
	"io/fs"
)

//go:embed testdata/demo/train.jsonl testdata/demo/inbox.jsonl
var sampleFS embed.FS

//go:embed testdata/kb/*.de.md testdata/kb/*.en.md
var sampleKB embed.FS

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

// SampleKB returns the project's sample knowledge base: one German and one
// English Markdown article (YAML front matter, template body) per sample
// intent, written for antwort. The demo command imports it.
func SampleKB() fs.FS {
	sub, err := fs.Sub(sampleKB, "testdata/kb")
	if err != nil {
		// Unreachable: the directory is embedded at build time.
		panic(err)
	}
	return sub
}
