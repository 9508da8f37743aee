package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/models"
)

// encodeResult is what antwort classify writes for r: a json.Encoder
// without HTML escaping.
func encodeResult(r *antwort.Result) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return buf.Bytes(), err
}

// classifyInputs returns n sample texts, each message once as JSONL,
// plain text and CSV with ids 1..n (the line numbers of the text form),
// and a broken JSONL line after every 100th.
func classifyInputs(t *testing.T, n int) (jsonl, text, csvIn string, texts []string) {
	t.Helper()
	data, err := os.ReadFile(sampleTrain)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for line := range bytes.Lines(data) {
		var ex struct{ Text string }
		if err := json.Unmarshal(line, &ex); err != nil {
			t.Fatal(err)
		}
		all = append(all, strings.Join(strings.Fields(ex.Text), " "))
	}
	var j, x, c strings.Builder
	cw := csv.NewWriter(&c)
	cw.Write([]string{"id", "text"})
	for i := range n {
		s := all[i%len(all)]
		texts = append(texts, s)
		b, _ := json.Marshal(map[string]string{"id": fmt.Sprint(i + 1), "text": s})
		j.Write(b)
		j.WriteByte('\n')
		if i%100 == 99 {
			j.WriteString("{broken\n")
		}
		x.WriteString(s + "\n")
		cw.Write([]string{fmt.Sprint(i + 1), s})
	}
	cw.Flush()
	return j.String(), x.String(), c.String(), texts
}

// TestClassifyPipeline checks that classify writes, whatever the number
// of workers and the input format, one result per message in input
// order, each as the engine classifies the message alone and as
// json.Encoder (without HTML escaping) encodes it, and reports the
// broken lines.
func TestClassifyPipeline(t *testing.T) {
	db := trained(t)
	const n = 3*classifyBatchSize + 17
	jsonl, text, csvIn, texts := classifyInputs(t, n)

	store, err := models.Open(db, &models.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := antwort.Load(context.Background(), store, antwort.LoadOptions{})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for i, s := range texts {
		r, err := eng.Classify(context.Background(), &ingest.Message{ID: fmt.Sprint(i + 1), Text: s})
		if err != nil {
			t.Fatal(err)
		}
		b, err := encodeResult(r)
		if err != nil {
			t.Fatal(err)
		}
		want.Write(b)
	}

	for _, in := range []struct{ format, data string }{{"jsonl", jsonl}, {"text", text}, {"csv", csvIn}} {
		for _, workers := range []string{"1", "2", "5"} {
			code, out, errOut := run(t, in.data, "classify", "--db", db, "--in-format", in.format, "--workers", workers)
			wantCode, wantSkipped := ExitOK, 0
			if in.format == "jsonl" {
				wantCode, wantSkipped = ExitPartial, n/100
			}
			if code != wantCode || strings.Count(errOut, "antwort: skipped ") != wantSkipped {
				t.Fatalf("%s, %s workers: exit %d, want %d, %d skipped, want %d:\n%s", in.format, workers, code, wantCode,
					strings.Count(errOut, "antwort: skipped "), wantSkipped, errOut)
			}
			if out != want.String() {
				t.Fatalf("%s, %s workers: output differs from the engine's results one by one (-want +got):\n%s",
					in.format, workers, cmp.Diff(want.String(), out))
			}
		}
	}
}

// failingWriter fails every write after the first ok bytes.
type failingWriter struct {
	ok  int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.ok {
		n := w.ok
		w.ok = 0
		return n, w.err
	}
	w.ok -= len(p)
	return len(p), nil
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestClassifyWriteError checks that a failing output ends classify with
// the write's error, after what it could write, and stops the reading.
func TestClassifyWriteError(t *testing.T) {
	db := trained(t)
	jsonl, _, _, _ := classifyInputs(t, 12*classifyBatchSize)
	errBroken := errors.New("broken pipe")
	for _, format := range []string{"jsonl", "text"} {
		for _, ok := range []int{0, 5000} {
			streams, _, errOut := Test("")
			in := &countingReader{r: strings.NewReader(jsonl)}
			streams.In = in
			streams.Out = &failingWriter{ok: ok, err: errBroken}
			code := Main(context.Background(), []string{"classify", "--db", db, "--format", format, "--workers", "2"}, streams)
			if code != ExitError || !strings.Contains(errOut.String(), "broken pipe") {
				t.Errorf("%s, failing after %d bytes: exit %d, stderr:\n%s", format, ok, code, errOut)
			}
			// The text table is written at the end, JSONL batch by batch.
			if format == "jsonl" && in.n >= len(jsonl) {
				t.Errorf("%s, failing after %d bytes: all %d bytes of input read", format, ok, in.n)
			}
		}
	}
}
