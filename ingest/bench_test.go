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
	total := 0
	for b.Loop() {
		total += countSource(b, "maildir:"+dir, func(ctx context.Context, s *Source) error {
			_, err := s.Next(ctx)
			return err
		})
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "mails/s")
}

// countSource opens the source spec, calls next until it returns io.EOF and
// returns how many items it read.
func countSource(b *testing.B, spec string, next func(context.Context, *Source) error) int {
	ctx := context.Background()
	s, err := Open(ctx, spec, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	n := 0
	for {
		err := next(ctx, s)
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
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

// genMaildir is the Maildir bench/batch.sh generates with bench/genmail;
// the benchmarks over it skip when it has not been generated.
const genMaildir = "../bench/out/batch/mail100000"

// genMails returns the first n mail files of genMaildir's new/, read into
// memory, and skips b when the Maildir is absent.
func genMails(b *testing.B, n int) [][]byte {
	b.Helper()
	des, err := os.ReadDir(filepath.Join(genMaildir, "new"))
	if err != nil || len(des) == 0 {
		b.Skipf("no generated Maildir in %s (run bench/batch.sh)", genMaildir)
	}
	var out [][]byte
	for _, d := range des[:min(n, len(des))] {
		raw, err := os.ReadFile(filepath.Join(genMaildir, "new", d.Name()))
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

// BenchmarkParseGenerated parses the batch benchmark's generated mails
// (plain, quoted-printable and multipart/alternative customer mails) as
// RawItem.Parse does, with the current and the old code (old_*_test.go),
// and with the current code reading every mail with enmime alone (without
// readSimpleMail).
func BenchmarkParseGenerated(b *testing.B) {
	mails := genMails(b, 2000)
	enmimeOnly := func(raw []byte, o Options) (*Message, error) { return parseMessageDepth(raw, o, 0, true) }
	for _, c := range []struct {
		name  string
		parse func([]byte, Options) (*Message, error)
	}{{"new", parseMessage}, {"old", oldParseMessage}, {"enmime", enmimeOnly}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := c.parse(mails[n%len(mails)], Options{}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mails/s")
		})
	}
}

// BenchmarkCleanGenerated cleans the bodies of the generated mails with
// the current and the old Clean.
func BenchmarkCleanGenerated(b *testing.B) {
	mails := genMails(b, 2000)
	var texts []string
	for _, raw := range mails {
		m, err := parseMessage(raw, Options{NoClean: true})
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, m.Text)
	}
	benchClean(b, texts)
}

// BenchmarkCleanCorpus cleans the reply corpus (../testdata/mail/clean)
// with the current and the old Clean.
func BenchmarkCleanCorpus(b *testing.B) {
	var texts []string
	for _, t := range loadCorpus(b, filepath.Join(cleanCorpus, "*.txt")) {
		texts = append(texts, string(t))
	}
	benchClean(b, texts)
}

func benchClean(b *testing.B, texts []string) {
	for _, c := range []struct {
		name  string
		clean func(string) Cleaned
	}{{"new", Clean}, {"old", oldClean}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				c.clean(texts[n%len(texts)])
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
		})
	}
}

// BenchmarkReadMailGenerated reads the first 2,000 files of the generated
// Maildir with the current and the old readMailBytes (from the page
// cache after the first round).
func BenchmarkReadMailGenerated(b *testing.B) {
	genMails(b, 1) // skip when absent
	des, err := os.ReadDir(filepath.Join(genMaildir, "new"))
	if err != nil {
		b.Fatal(err)
	}
	var paths []string
	for _, d := range des[:min(2000, len(des))] {
		paths = append(paths, filepath.Join(genMaildir, "new", d.Name()))
	}
	for _, c := range []struct {
		name string
		read func(string, int64) ([]byte, error)
	}{{"new", readMailBytes}, {"old", oldReadMailBytes}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := c.read(paths[n%len(paths)], defaultFileMax); err != nil {
					b.Fatal(err)
				}
				n++
			}
		})
	}
}

// BenchmarkSourceGenerated reads the generated Maildir with NextRaw,
// without parsing: listing and reading 100,000 files per round.
func BenchmarkSourceGenerated(b *testing.B) {
	genMails(b, 1) // skip when absent
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		total += countSource(b, "maildir:"+genMaildir, func(ctx context.Context, s *Source) error {
			_, err := s.NextRaw(ctx)
			return err
		})
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "mails/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/mail")
}
