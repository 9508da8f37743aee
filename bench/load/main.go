// Command load measures antwort's HTTP service under load: N concurrent
// clients post messages from the sample inbox to /v1/suggest of a real
// 'antwort serve' process on loopback for a fixed time, while a model
// version is activated and the knowledge base is re-imported through the
// CLI, as an operator would. It reports requests, errors, requests per
// second, latency percentiles and the server's resident memory sampled
// every second.
//
//	go run ./bench/load                                  # 200 clients, 30 s
//	go run ./bench/load -clients 20 -duration 5s -json   # JSON on stdout
//
// It builds cmd/antwort (or uses -antwort BIN), sets the store and
// knowledge base up with 'antwort demo' in a temporary directory, trains a
// second intent version to activate, and needs nothing beyond the
// repository.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/antwort-dev/antwort"
)

type config struct {
	clients  int
	duration time.Duration
	bin      string
	dir      string
	jsonOut  bool
	noSwap   bool
	serveArg string
}

func main() {
	var c config
	flag.IntVar(&c.clients, "clients", 200, "concurrent clients")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "how long to send requests")
	flag.StringVar(&c.bin, "antwort", "", "antwort binary (default: go build ./cmd/antwort)")
	flag.StringVar(&c.dir, "dir", "", "work directory (default: a temporary one, removed)")
	flag.BoolVar(&c.jsonOut, "json", false, "print the result as JSON on stdout")
	flag.BoolVar(&c.noSwap, "no-swap", false, "do not activate a model or re-import the knowledge base during the run")
	flag.StringVar(&c.serveArg, "serve-args", "", "extra arguments for 'antwort serve', e.g. \"--remember 0\"")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// result is what the run measured.
type result struct {
	Clients      int            `json:"clients"`
	ServeArgs    string         `json:"serve_args,omitempty"`
	Seconds      float64        `json:"seconds"`
	Requests     int64          `json:"requests"`
	Errors       int64          `json:"errors"`
	FirstErrors  []string       `json:"first_errors,omitempty"`
	RPS          float64        `json:"requests_per_second"`
	P50ms        float64        `json:"p50_ms"`
	P90ms        float64        `json:"p90_ms"`
	P99ms        float64        `json:"p99_ms"`
	MaxMs        float64        `json:"max_ms"`
	ByModel      map[string]int `json:"answers_by_intent_model"`
	Activation   string         `json:"activation,omitempty"`
	ActivationAt float64        `json:"activation_at_s,omitempty"`
	Import       string         `json:"kb_import,omitempty"`
	ImportAt     float64        `json:"kb_import_at_s,omitempty"`
	RSS          []rssSample    `json:"rss"`
	RSSStartMiB  float64        `json:"rss_after_warmup_mib"`
	RSSEndMiB    float64        `json:"rss_end_mib"`
	RSSMaxMiB    float64        `json:"rss_max_mib"`
	AnonStartMiB float64        `json:"rss_anon_after_warmup_mib"`
	AnonEndMiB   float64        `json:"rss_anon_end_mib"`
	Windows      []window       `json:"windows"`
	// ServerP50ms and ServerP99ms are the server's own view of
	// /v1/suggest (handler time, from its latency histogram, interpolated
	// within buckets as Prometheus's histogram_quantile does).
	ServerP50ms    float64 `json:"server_p50_ms"`
	ServerP99ms    float64 `json:"server_p99_ms"`
	ServerRequests float64 `json:"server_requests"`
	// FlushP99ms is the time to write a batch of answered messages to
	// the store (99th percentile); SeenDropped the messages not recorded
	// because that was too slow.
	FlushP99ms     float64 `json:"store_flush_p99_ms"`
	Flushes        float64 `json:"store_flushes"`
	SeenDropped    float64 `json:"seen_dropped"`
	ServerExitCode int     `json:"server_exit_code"`
	CPUs           int     `json:"cpus"`
}

// window are the figures of the requests that started in one 5-second
// slice of the run.
type window struct {
	From     float64 `json:"from_s"`
	Requests int     `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

// timing is one request: when it started (since the run began) and how
// long it took.
type timing struct{ at, took time.Duration }

type rssSample struct {
	T       float64 `json:"t"`
	RSSMiB  float64 `json:"rss_mib"`
	AnonMiB float64 `json:"anon_mib"`
	FileMiB float64 `json:"file_mib"`
}

func run(c config) error {
	ctx := context.Background()
	dir := c.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "antwort-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	bin := c.bin
	if bin == "" {
		bin = filepath.Join(dir, "antwort")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/antwort-dev/antwort/cmd/antwort").CombinedOutput()
		if err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	cli := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("antwort %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}

	// Set up: demo store and knowledge base, a second intent version.
	logf("setting up in %s", dir)
	if _, err := cli("demo", "--dir", dir); err != nil {
		return err
	}
	db, kbDir, articles := filepath.Join(dir, "antwort.db"), filepath.Join(dir, "kb"), filepath.Join(dir, "articles")
	train := filepath.Join(dir, "train.jsonl")
	sample, err := fs.ReadFile(antwort.SampleData(), "train.jsonl")
	if err != nil {
		return err
	}
	if err := os.WriteFile(train, sample, 0o644); err != nil {
		return err
	}
	if _, err := cli("train", "--db", db, "--task", "intent", "--data", train, "--c", "0.5", "--no-activate", "--note", "for the load test"); err != nil {
		return err
	}
	msgs, err := messages()
	if err != nil {
		return err
	}
	secret := "load-test-token-" + strconv.Itoa(os.Getpid()) + "-0123456789"
	tokens := filepath.Join(dir, "tokens.txt")
	if err := os.WriteFile(tokens, []byte(secret+" load\n"), 0o600); err != nil {
		return err
	}

	// The server, as its own process.
	srv := exec.Command(bin, append([]string{"serve", "--db", db, "--kb", kbDir, "--addr", "127.0.0.1:0", "--token-file", tokens},
		strings.Fields(c.serveArg)...)...)
	var srvErr bytes.Buffer
	srv.Stderr = &srvErr
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Process.Kill()
	url, err := waitAnnounced(db+".server", 30*time.Second)
	if err != nil {
		return fmt.Errorf("%v\n%s", err, srvErr.String())
	}
	logf("server pid %d at %s; %d clients for %s", srv.Process.Pid, url, c.clients, c.duration)

	tr := &http.Transport{MaxIdleConns: c.clients, MaxIdleConnsPerHost: c.clients, IdleConnTimeout: time.Minute}
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	// Warm up: one request per client connection.
	if err := warmUp(hc, url, secret, msgs[0], c.clients); err != nil {
		return err
	}

	res := &result{Clients: c.clients, ServeArgs: c.serveArg, ByModel: map[string]int{}, CPUs: runtime.NumCPU()}
	lctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	start := time.Now()

	var rssMu sync.Mutex
	var rssDone sync.WaitGroup
	rssDone.Add(1)
	go func() {
		defer rssDone.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			s, err := readRSS(srv.Process.Pid)
			if err == nil {
				s.T = time.Since(start).Seconds()
				rssMu.Lock()
				res.RSS = append(res.RSS, s)
				rssMu.Unlock()
			}
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
		}
	}()

	var swaps sync.WaitGroup
	if !c.noSwap {
		swaps.Add(1)
		go func() {
			defer swaps.Done()
			sleepUntil(lctx, start.Add(c.duration/3))
			res.ActivationAt = time.Since(start).Seconds()
			out, err := cli("models", "activate", "intent", "2", "--db", db)
			res.Activation = strings.TrimSpace(out)
			if err != nil {
				res.Activation = "FAILED: " + err.Error()
			}
			sleepUntil(lctx, start.Add(c.duration/2))
			res.ImportAt = time.Since(start).Seconds()
			out, err = cli("kb", "import", "--kb", kbDir, "--db", db, articles)
			res.Import = strings.TrimSpace(out)
			if err != nil {
				res.Import = "FAILED: " + err.Error()
			}
		}()
	}

	lat := make([][]timing, c.clients)
	var errs atomic.Int64
	var errMu sync.Mutex
	var wg sync.WaitGroup
	for i := range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := make([]timing, 0, 4096)
			models := map[string]int{}
			for n := 0; lctx.Err() == nil; n++ {
				m := msgs[(i*7+n)%len(msgs)]
				m.ID = fmt.Sprintf("load-%d-%d", i, n)
				body, _ := json.Marshal(m)
				t0 := time.Now()
				model, err := suggest(hc, url, secret, body)
				d := time.Since(t0)
				if err != nil {
					if lctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
						break
					}
					errs.Add(1)
					errMu.Lock()
					if len(res.FirstErrors) < 5 {
						res.FirstErrors = append(res.FirstErrors, err.Error())
					}
					errMu.Unlock()
					continue
				}
				l = append(l, timing{t0.Sub(start), d})
				models[model]++
			}
			lat[i] = l
			errMu.Lock()
			for k, v := range models {
				res.ByModel[k] += v
			}
			errMu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	swaps.Wait()
	cancel()
	rssDone.Wait()

	if err := serverLatency(hc, url, secret, res); err != nil {
		logf("server latency histogram: %v", err)
	}

	// Stop the server as an operator would.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	if err := srv.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.ServerExitCode = ee.ExitCode()
		} else {
			return err
		}
	}

	var all []time.Duration
	byWin := map[int][]time.Duration{}
	for _, l := range lat {
		for _, s := range l {
			all = append(all, s.took)
			byWin[int(s.at/(5*time.Second))] = append(byWin[int(s.at/(5*time.Second))], s.took)
		}
	}
	slices.Sort(all)
	for w := 0; w <= int(elapsed/(5*time.Second)); w++ {
		ds := byWin[w]
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		res.Windows = append(res.Windows, window{From: float64(w * 5), Requests: len(ds),
			P50ms: float64(ds[len(ds)/2].Microseconds()) / 1000, P99ms: float64(ds[min(len(ds)-1, len(ds)*99/100)].Microseconds()) / 1000})
	}
	res.Seconds = elapsed.Seconds()
	res.Requests = int64(len(all))
	res.Errors = errs.Load()
	res.RPS = float64(len(all)) / elapsed.Seconds()
	if len(all) > 0 {
		pct := func(p float64) float64 {
			return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
		}
		res.P50ms, res.P90ms, res.P99ms, res.MaxMs = pct(0.50), pct(0.90), pct(0.99), float64(all[len(all)-1].Microseconds())/1000
	}
	summarizeRSS(res)
	if c.jsonOut {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	printText(os.Stderr, res)
	if res.Errors > 0 || strings.HasPrefix(res.Activation, "FAILED") || strings.HasPrefix(res.Import, "FAILED") || res.ServerExitCode != 0 {
		return fmt.Errorf("%d errors; activation %q; import %q; server exit %d", res.Errors, res.Activation, res.Import, res.ServerExitCode)
	}
	return nil
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...) }

// message is what the clients send.
type message struct {
	ID      string `json:"id"`
	Channel string `json:"channel,omitempty"`
	From    string `json:"from,omitempty"`
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text"`
}

// messages reads the sample inbox.
func messages() ([]message, error) {
	b, err := fs.ReadFile(antwort.SampleData(), "inbox.jsonl")
	if err != nil {
		return nil, err
	}
	var out []message
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, errors.New("sample inbox is empty")
	}
	return out, sc.Err()
}

func waitAnnounced(path string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			var f struct{ URL string }
			if json.Unmarshal(b, &f) == nil && f.URL != "" {
				return f.URL, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("the server did not announce itself in %s", path)
}

func warmUp(hc *http.Client, url, token string, m message, n int) error {
	var wg sync.WaitGroup
	var first error
	var mu sync.Mutex
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.ID = fmt.Sprint("warmup-", i)
			body, _ := json.Marshal(m)
			if _, err := suggest(hc, url, token, body); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// suggest posts one message and checks the answer; it returns the intent
// model that answered.
func suggest(hc *http.Client, url, token string, body []byte) (string, error) {
	req, err := http.NewRequest(http.MethodPost, url+"/v1/suggest", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, bytes.TrimSpace(data))
	}
	var s struct {
		Intent   struct{ Model string }
		Decision struct{ Action string }
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return "", fmt.Errorf("answer is not JSON: %v", err)
	}
	if s.Intent.Model == "" || s.Decision.Action == "" {
		return "", fmt.Errorf("incomplete answer: %.200s", data)
	}
	return s.Intent.Model, nil
}

// serverLatency reads the server's latency histogram of /v1/suggest, its
// store flush histogram and dropped-message counter from /metrics.
func serverLatency(hc *http.Client, url, token string, r *result) error {
	req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	text := string(data)
	bs := buckets(text, `antwort_http_request_duration_seconds_bucket{route="POST /v1/suggest",le="`)
	if len(bs) < 2 {
		return errors.New("no /v1/suggest histogram")
	}
	r.ServerRequests = bs[len(bs)-1].n
	r.ServerP50ms, r.ServerP99ms = quantile(bs, 0.5)*1000, quantile(bs, 0.99)*1000
	if fb := buckets(text, `antwort_store_flush_duration_seconds_bucket{le="`); len(fb) > 1 {
		r.Flushes = fb[len(fb)-1].n
		r.FlushP99ms = quantile(fb, 0.99) * 1000
	}
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, "antwort_seen_dropped_total "); ok {
			r.SeenDropped, _ = strconv.ParseFloat(v, 64)
		}
	}
	return nil
}

type bucket struct{ le, n float64 } // le < 0: +Inf

// buckets parses the cumulative buckets of one histogram series whose
// lines start with prefix (up to the le value).
func buckets(text, prefix string) []bucket {
	var bs []bucket
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		le, count, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		n, err := strconv.ParseFloat(count, 64)
		if err != nil {
			continue
		}
		b := bucket{le: -1, n: n}
		if le != "+Inf" {
			if b.le, err = strconv.ParseFloat(le, 64); err != nil {
				continue
			}
		}
		bs = append(bs, b)
	}
	return bs
}

// quantile interpolates within buckets as Prometheus's
// histogram_quantile does.
func quantile(bs []bucket, p float64) float64 {
	rank := p * bs[len(bs)-1].n
	lower, below := 0.0, 0.0
	for _, b := range bs {
		if b.n >= rank {
			if b.le < 0 {
				return lower
			}
			if b.n == below {
				return b.le
			}
			return lower + (b.le-lower)*(rank-below)/(b.n-below)
		}
		lower, below = b.le, b.n
	}
	return lower
}

func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

// readRSS reads the resident memory of pid from /proc (Linux).
func readRSS(pid int) (rssSample, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return rssSample{}, err
	}
	var s rssSample
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			s.RSSMiB = kb / 1024
		case "RssAnon:":
			s.AnonMiB = kb / 1024
		case "RssFile:":
			s.FileMiB = kb / 1024
		}
	}
	return s, nil
}

// summarizeRSS compares memory after the first fifth of the run (warm
// caches, all connections open) with the end.
func summarizeRSS(r *result) {
	if len(r.RSS) == 0 {
		return
	}
	warm := r.RSS[min(len(r.RSS)-1, len(r.RSS)/5)]
	end := r.RSS[len(r.RSS)-1]
	r.RSSStartMiB, r.RSSEndMiB = warm.RSSMiB, end.RSSMiB
	r.AnonStartMiB, r.AnonEndMiB = warm.AnonMiB, end.AnonMiB
	for _, s := range r.RSS {
		r.RSSMaxMiB = max(r.RSSMaxMiB, s.RSSMiB)
	}
}

func printText(w io.Writer, r *result) {
	fmt.Fprintf(w, "\n%d clients, %.1f s, %d CPUs, serve %s: %d requests, %d errors, %.0f requests/s\n", r.Clients, r.Seconds, r.CPUs,
		orDefault(r.ServeArgs), r.Requests, r.Errors, r.RPS)
	fmt.Fprintf(w, "latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", r.P50ms, r.P90ms, r.P99ms, r.MaxMs)
	fmt.Fprintf(w, "server-side /v1/suggest handler time: p50 %.1f ms, p99 %.1f ms over %.0f requests (incl. warm-up)\n", r.ServerP50ms, r.ServerP99ms, r.ServerRequests)
	if r.Flushes > 0 {
		fmt.Fprintf(w, "store: %.0f flushes of answered messages, p99 %.1f ms; %.0f messages dropped\n", r.Flushes, r.FlushP99ms, r.SeenDropped)
	} else {
		fmt.Fprintf(w, "store: no answered messages written (%.0f dropped)\n", r.SeenDropped)
	}
	fmt.Fprintf(w, "answers by intent model: %v\n", r.ByModel)
	for _, win := range r.Windows {
		fmt.Fprintf(w, "  requests started at %3.0f-%3.0f s: %6d, p50 %7.1f ms, p99 %7.1f ms\n", win.From, win.From+5, win.Requests, win.P50ms, win.P99ms)
	}
	if r.Activation != "" {
		fmt.Fprintf(w, "at %4.1f s: %s\n", r.ActivationAt, r.Activation)
	}
	if r.Import != "" {
		fmt.Fprintf(w, "at %4.1f s: %s\n", r.ImportAt, r.Import)
	}
	fmt.Fprintf(w, "server RSS: %.1f MiB after warm-up (anon %.1f), %.1f MiB at the end (anon %.1f), max %.1f MiB\n",
		r.RSSStartMiB, r.AnonStartMiB, r.RSSEndMiB, r.AnonEndMiB, r.RSSMaxMiB)
	fmt.Fprintf(w, "RSS every second (MiB):")
	for _, s := range r.RSS {
		fmt.Fprintf(w, " %.0f", s.RSSMiB)
	}
	fmt.Fprintf(w, "\nserver exit code after SIGTERM: %d\n", r.ServerExitCode)
	for _, e := range r.FirstErrors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
}

func orDefault(s string) string {
	if s == "" {
		return "with default options"
	}
	return s
}
