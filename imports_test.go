package antwort_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/antwort-dev/antwort"

// TestImportRules enforces the layering in docs/library.md ("Layout"): each
// third-party dependency is imported by one package only, and project
// dependencies point one way. It plays the part of golangci's depguard,
// without needing the tool.
func TestImportRules(t *testing.T) {
	// only[prefix] = the directories allowed to import it. bbolt has two
	// owners: the model store and the batch journal are different files
	// with different lifetimes (the journal is written while the store is
	// open read-only).
	only := map[string][]string{
		"go.etcd.io/bbolt":                    {"models", "journal"},
		"github.com/blevesearch/bleve":        {"kb"},
		"github.com/jdkato/prose":             {"internal/nlp"},
		"github.com/spf13/cobra":              {"internal/cli"},
		"github.com/schollz/progressbar":      {"internal/cli"},
		module + "/internal/cli":              {"cmd/antwort"},
		"github.com/blevesearch/snowballstem": {"internal/nlp"},
		"github.com/prometheus/client_golang": {"server", "internal/natsq"},
		"github.com/nats-io/nats.go":          {"internal/natsq"},
		"github.com/nats-io/nats-server":      {}, // tests only: an embedded server
		"gonum.org/v1/plot":                   {"report"},
		"gonum.org/v1/gonum":                  {"trust", "classifier"}, // special functions; the BLAS axpy kernel
		"gopkg.in/neurosnap/sentences":        {"internal/nlp"},
		"github.com/inbucket/html2text":       {"ingest"},
		"golang.org/x/net/html":               {"ingest"},
		"github.com/emersion/go-imap":         {"internal/imapbox"},
		"github.com/emersion/go-sasl":         {"internal/imapbox"},
		module + "/internal/testmail":         {}, // tests only: realistic messages
	}
	// never[dir] = project packages that dir must not import.
	never := map[string][]string{
		"classifier":      {module + "/models", module + "/ingest", module + "/sentiment"},
		"models":          {module + "/classifier", module + "/ingest"},
		"ingest":          {module + "/classifier", module + "/models"},
		"internal/nlp":    {module + "/"},
		"internal/fstree": {module + "/"},
		"internal/lines":  {module + "/"},
		"report":          {module + "/internal/", module + "/models", module + "/kb"},
		"trust":           {module + "/"},
	}
	// within[dir] = the only project packages dir may import. entity
	// (names, numbers, dates, personal data, redaction) sits below reply,
	// report and the root package and needs nothing but internal/nlp.
	within := map[string][]string{
		"entity": {module + "/internal/nlp"},
	}
	// lower are the packages below the root package.
	lower := map[string]bool{"journal": true, "classifier": true, "models": true, "ingest": true, "internal/nlp": true, "sentiment": true, "kb": true, "reply": true, "report": true, "trust": true, "entity": true}
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			for prefix, allowed := range only {
				if strings.HasPrefix(imp, prefix) && !slices.Contains(allowed, dir) {
					t.Errorf("%s imports %s; only %s may", path, imp, strings.Join(allowed, "/, ")+"/")
				}
			}
			if imp == module && lower[dir] {
				t.Errorf("%s imports the root package; the packages below it must not", path)
			}
			if allowed, ok := within[dir]; ok && (imp == module || strings.HasPrefix(imp, module+"/")) && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s; %s/ may import only %s", path, imp, dir, strings.Join(allowed, ", "))
			}
			for _, bad := range never[dir] {
				if strings.HasPrefix(imp, bad) {
					t.Errorf("%s imports %s, against the layering", path, imp)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Errorf("checked only %d files; is the walk broken?", files)
	}
}
