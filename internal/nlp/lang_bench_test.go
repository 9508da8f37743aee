package nlp

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// publicLangSets are the shared evaluation data sets that carry a "lang"
// field: German and English texts of many kinds (service requests, voice
// commands, tweets, news, tickets).
var publicLangSets = []struct{ name, file string }{
	{"banking77", "banking77/banking77.jsonl"},
	{"massive_de", "massive_de/massive_de.jsonl"},
	{"germeval", "germeval2017/germeval2017.jsonl"},
	{"twitter", "twitter_us_airline_sentiment/twitter_us_airline_sentiment.jsonl"},
	{"tickets", "customer_support_tickets/customer_support_tickets.jsonl"},
	{"bitext", "bitext_customer_support/bitext_customer_support.jsonl"},
}

type langRow struct{ text, lang string }

func readLangRows(path string) ([]langRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []langRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var r struct{ Text, Lang string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if r.Lang != "" {
			rows = append(rows, langRow{r.Text, r.Lang})
		}
	}
	return rows, sc.Err()
}

// BenchmarkDetectPublic measures Detect on the German and English public
// data sets: the share detected as their language ("ok%"), as
// undetermined ("und%") and as another language ("other%"), and the texts
// per second of DetectTokens on tokens prepared beforehand. It reads the
// data from ANTWORT_DATA and skips when that is unset or empty:
//
//	ANTWORT_DATA=../shared/data go test -run '^$' -bench DetectPublic ./internal/nlp/
func BenchmarkDetectPublic(b *testing.B) {
	dir := os.Getenv("ANTWORT_DATA")
	if dir == "" {
		b.Skip("ANTWORT_DATA not set")
	}
	type prepared struct {
		toks    []string
		umlauts int
	}
	var all []prepared
	metrics := map[string]float64{}
	for _, set := range publicLangSets {
		rows, err := readLangRows(filepath.Join(dir, set.file))
		if errors.Is(err, fs.ErrNotExist) {
			b.Logf("%s: %v, skipped", set.name, err)
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		var ok, und, other int
		for _, r := range rows {
			p := prepared{Tokenize(Fold(r.text)), CountUmlauts(r.text)}
			all = append(all, p)
			switch got := DetectTokens(p.toks, p.umlauts); {
			case got == r.lang:
				ok++
			case got == Undetermined:
				und++
			default:
				other++
			}
		}
		n := float64(len(rows))
		metrics["ok%_"+set.name] = 100 * float64(ok) / n
		metrics["und%_"+set.name] = 100 * float64(und) / n
		metrics["other%_"+set.name] = 100 * float64(other) / n
	}
	if len(all) == 0 {
		b.Skip("no public data in " + dir)
	}
	n := 0
	for b.Loop() {
		for _, p := range all {
			DetectTokens(p.toks, p.umlauts)
		}
		n += len(all)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
	for k, v := range metrics { // after the loop, which clears reported metrics
		b.ReportMetric(v, k)
	}
}
