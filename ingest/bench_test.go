package ingest

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

func loadCorpus(b *testing.B, pattern string) [][]byte {
	b.Helper()
	files, _ := filepath.Glob(pattern)
	var out [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, raw)
	}
	if len(out) == 0 {
		b.Fatalf("no files match %s", pattern)
	}
	return out
}

// BenchmarkParse parses the mail corpus (MIME, charsets, HTML, cleaning,
// loop protection) and reports mails per second.
func BenchmarkParse(b *testing.B) {
	mails := loadCorpus(b, filepath.Join(mailCorpus, "*.eml"))
	var n, size int
	for b.Loop() {
		raw := mails[n%len(mails)]
		if _, err := Parse(context.Background(), bytes.NewReader(raw), Options{}); err != nil {
			b.Fatal(err)
		}
		n++
		size += len(raw)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mails/s")
	b.ReportMetric(float64(size)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkClean cleans the reply corpus and reports texts per second.
func BenchmarkClean(b *testing.B) {
	texts := loadCorpus(b, filepath.Join(cleanCorpus, "*.txt"))
	n := 0
	for b.Loop() {
		Clean(string(texts[n%len(texts)]))
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
}

// makeMaildir writes count corpus mails into a new Maildir's cur/.
func makeMaildir(b *testing.B, count int) string {
	b.Helper()
	mails := loadCorpus(b, filepath.Join(mailCorpus, "*.eml"))
	dir := b.TempDir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		os.Mkdir(filepath.Join(dir, sub), 0o755)
	}
	for i := range count {
		name := filepath.Join(dir, "cur", "1773310500."+strconv.Itoa(i)+".bench:2,S")
		if err := os.WriteFile(name, mails[i%len(mails)], 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkSourceMaildir reads a Maildir of 2,000 mails through Open and
// Next on one goroutine: listing, reading, parsing and cleaning.
func BenchmarkSourceMaildir(b *testing.B) {
	dir := makeMaildir(b, 2000)
	ctx := context.Background()
	total := 0
	for b.Loop() {
		s, err := Open(ctx, "maildir:"+dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := s.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			total++
		}
		s.Close()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkSourceMaildirParallel reads the same Maildir with NextRaw on
// one goroutine and parses on GOMAXPROCS goroutines.
func BenchmarkSourceMaildirParallel(b *testing.B) {
	dir := makeMaildir(b, 2000)
	ctx := context.Background()
	total := 0
	for b.Loop() {
		s, err := Open(ctx, "maildir:"+dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		items := make(chan *RawItem, 64)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for it := range items {
					if _, err := it.Parse(); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for {
			it, err := s.NextRaw(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			items <- it
			total++
		}
		close(items)
		wg.Wait()
		s.Close()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "mails/s")
}
