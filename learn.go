package antwort

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// DataHash identifies a training set: SHA-256 over texts and labels in
// order, first 16 hex digits. It is the Info.DataHash the CLI's train
// command stores, and the key of the set's blob in a store (see
// SaveTrainingData).
func DataHash(exs []classifier.Example) string {
	h := sha256.New()
	for _, e := range exs {
		io.WriteString(h, e.Text)
		h.Write([]byte{0})
		io.WriteString(h, e.Label)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// EncodeExamples encodes examples as gzip-compressed JSONL
// ({"text":…,"label":…} per line), the format training data is kept in
// a store.
func EncodeExamples(exs []classifier.Example) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, e := range exs {
		if err := enc.Encode(struct {
			Text  string `json:"text"`
			Label string `json:"label"`
		}{e.Text, e.Label}); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeExamples decodes what EncodeExamples wrote. A broken blob is an
// error naming the line.
func DecodeExamples(blob []byte) ([]classifier.Example, error) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("decode training data: %w", err)
	}
	defer zr.Close()
	var out []classifier.Example
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var e struct{ Text, Label string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("decode training data: line %d: %w", line, err)
		}
		out = append(out, classifier.Example{Text: e.Text, Label: e.Label})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("decode training data: %w", err)
	}
	return out, nil
}

// SaveTrainingData keeps exs in store under their DataHash, so a model
// trained on them can later be retrained from the store alone (see
// Retrain), and returns the hash.
func SaveTrainingData(ctx context.Context, store *models.Store, exs []classifier.Example) (string, error) {
	blob, err := EncodeExamples(exs)
	if err != nil {
		return "", err
	}
	h := DataHash(exs)
	if err := store.SaveData(ctx, h, blob); err != nil {
		return "", err
	}
	return h, nil
}

// TrainingData returns the examples kept in store under hash, or an error
// wrapping models.ErrNotFound.
func TrainingData(ctx context.Context, store *models.Store, hash string) ([]classifier.Example, error) {
	blob, err := store.Data(ctx, hash)
	if err != nil {
		return nil, err
	}
	return DecodeExamples(blob)
}

// Reference-number kinds a Redactor can replace.
const (
	NumberOrder    = "order"
	NumberCustomer = "customer"
	NumberContract = "contract"
	NumberTicket   = "ticket"
)

// DefaultRedactNumbers are the reference numbers redacted when
// RedactOptions.Numbers is nil: they point to one customer.
var defaultRedactNumbers = []string{NumberOrder, NumberCustomer, NumberContract}

// DefaultRedactNumbers returns the reference-number kinds a Redactor
// replaces by default: order, customer and contract numbers.
func DefaultRedactNumbers() []string { return slices.Clone(defaultRedactNumbers) }

// RedactOptions configures NewRedactor. The zero value redacts e-mail
// addresses, phone numbers, IBANs and the DefaultRedactNumbers.
type RedactOptions struct {
	// Off turns redaction off: texts are kept as written.
	Off bool
	// Numbers lists the reference numbers to replace: "order",
	// "customer", "contract", "ticket". nil means DefaultRedactNumbers;
	// an empty, non-nil slice means none.
	Numbers []string
	// Extractor finds the numbers (default: the built-in patterns; pass
	// one with the knowledge base's own number formats).
	Extractor *entity.Extractor
}

// Redactor removes personal data from texts before they are logged or
// stored: e-mail addresses, phone numbers, IBANs, payment card numbers and
// password and PIN values (see entity.Redact) and the configured reference
// numbers ("Bestellnummer [ORDER]"). It is
// immutable and safe for concurrent use. A nil *Redactor redacts nothing.
type Redactor struct {
	off     bool
	numbers map[string]bool
	x       *entity.Extractor
}

// NewRedactor returns a Redactor for o. An unknown number kind is an
// error naming it.
func NewRedactor(o RedactOptions) (*Redactor, error) {
	r := &Redactor{off: o.Off, numbers: map[string]bool{}, x: o.Extractor}
	nums := o.Numbers
	if nums == nil {
		nums = defaultRedactNumbers
	}
	for _, n := range nums {
		switch n {
		case NumberOrder, NumberCustomer, NumberContract, NumberTicket:
			r.numbers[n] = true
		default:
			return nil, fmt.Errorf("antwort: redact: unknown number kind %q (want order, customer, contract or ticket)", n)
		}
	}
	if r.x == nil && len(r.numbers) > 0 {
		x, err := entity.NewExtractor(nil)
		if err != nil {
			return nil, err
		}
		r.x = x
	}
	return r, nil
}

// Enabled reports whether r changes texts at all.
func (r *Redactor) Enabled() bool { return r != nil && !r.off }

// Redact returns text with personal data replaced by tokens.
func (r *Redactor) Redact(text string) string {
	if !r.Enabled() || text == "" {
		return text
	}
	if len(r.numbers) > 0 {
		for range 16 { // each pass replaces one number of each kind
			e := r.x.Extract("", "", text, "", time.Time{})
			before := text
			for _, n := range []struct {
				kind, value, token string
			}{
				{NumberOrder, e.OrderNumber, "[ORDER]"},
				{NumberCustomer, e.CustomerNumber, "[CUSTOMER]"},
				{NumberContract, e.ContractNumber, "[CONTRACT]"},
				{NumberTicket, e.TicketNumber, "[TICKET]"},
			} {
				if r.numbers[n.kind] && n.value != "" {
					text = strings.ReplaceAll(text, n.value, n.token)
				}
			}
			if text == before {
				break
			}
		}
	}
	return entity.Redact(text)
}

// AnswerWeigher tells Suggest how much to trust an article for an intent,
// from what agents did with it. Weight returns a factor in (0,1] that
// multiplies the article's score (1 = no change) and a reason for the
// answer's Reasons ("" when nothing is known).
type AnswerWeigher interface {
	Weight(intent, article string) (w float64, reason string)
}

// AnswerCount is what agents did with one article for one intent.
type AnswerCount struct {
	Intent  string `json:"intent"`
	Article string `json:"article"`
	// Used counts answers sent with the article, Edited those of them the
	// agent changed, HeavyEdits those changed by at least half (or with
	// no edit ratio given, counted as half), Declined the times the
	// agent rejected it.
	Used       int     `json:"used"`
	Edited     int     `json:"edited"`
	HeavyEdits float64 `json:"heavy_edits"`
	Declined   int     `json:"declined"`
	// Weight is the factor Suggest applies to the article's score for the
	// intent.
	Weight float64 `json:"weight"`
}

// AnswerStats counts, per intent and article, how agents used, edited or
// declined the answers antwort proposed, and down-weights articles that
// are declined or heavily edited (answer learning). It is safe for
// concurrent use: a server adds feedback while Suggest reads weights.
//
// Each outcome is scored good in [0,1]: 1 for an answer sent unchanged,
// 1-r for one edited by the ratio r (0.5 when edited without a ratio), 0
// for a decline. The weight is (2 + sum of good) / (2 + outcomes), never
// below MinAnswerWeight: two unseen good outcomes act as a prior, so one
// decline does not bury an article.
type AnswerStats struct {
	mu sync.RWMutex
	m  map[[2]string]*answerAcc
}

// MinAnswerWeight is the smallest factor answer learning applies.
const MinAnswerWeight = 0.25

// answerPrior is the number of good outcomes an article starts with.
const answerPrior = 2.0

type answerAcc struct {
	c    AnswerCount
	good float64
	n    float64
}

// NewAnswerStats returns empty statistics.
func NewAnswerStats() *AnswerStats { return &AnswerStats{m: map[[2]string]*answerAcc{}} }

// LoadAnswerStats builds statistics from the feedback log of store.
func LoadAnswerStats(ctx context.Context, store *models.Store) (*AnswerStats, error) {
	fb, err := store.FeedbackLog(ctx, models.FeedbackQuery{})
	if err != nil {
		return nil, err
	}
	s := NewAnswerStats()
	for _, f := range fb {
		s.Add(f)
	}
	return s, nil
}

// Add counts the answer outcomes of one feedback entry: the article used
// (edited or not), the articles declined, and the suggested article when
// the agent used another one. The intent is the agent's label, else the
// predicted one; entries with neither are ignored.
func (s *AnswerStats) Add(f models.Feedback) {
	intent := f.Intent
	if intent == "" {
		intent = f.PredictedIntent
	}
	if intent == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.AnswerUsed != "" {
		a := s.acc(intent, f.AnswerUsed)
		a.c.Used++
		good := 1.0
		if f.Edited {
			a.c.Edited++
			if f.EditRatio <= 0 {
				a.c.HeavyEdits += 0.5
				good = 0.5
			} else {
				r := min(f.EditRatio, 1)
				if r >= 0.5 {
					a.c.HeavyEdits++
				}
				good = 1 - r
			}
		}
		a.good += good
		a.n++
		a.update()
	}
	declined := slices.Clone(f.Declined)
	if f.Suggested != "" && f.AnswerUsed != "" && f.AnswerUsed != f.Suggested && !slices.Contains(declined, f.Suggested) {
		declined = append(declined, f.Suggested)
	}
	for _, id := range declined {
		if id == "" || id == f.AnswerUsed {
			continue
		}
		a := s.acc(intent, id)
		a.c.Declined++
		a.n++
		a.update()
	}
}

func (s *AnswerStats) acc(intent, article string) *answerAcc {
	k := [2]string{intent, article}
	a := s.m[k]
	if a == nil {
		a = &answerAcc{c: AnswerCount{Intent: intent, Article: article, Weight: 1}}
		s.m[k] = a
	}
	return a
}

func (a *answerAcc) update() {
	a.c.Weight = math.Max(MinAnswerWeight, (answerPrior+a.good)/(answerPrior+a.n))
}

// Weight implements AnswerWeigher.
func (s *AnswerStats) Weight(intent, article string) (float64, string) {
	if s == nil {
		return 1, ""
	}
	s.mu.RLock()
	a := s.m[[2]string{intent, article}]
	var c AnswerCount
	if a != nil {
		c = a.c
	}
	s.mu.RUnlock()
	if a == nil || c.Weight >= 1 {
		return 1, ""
	}
	return c.Weight, fmt.Sprintf("agents for %s: used %d (%d edited), declined %d (weight %.2f)", intent, c.Used, c.Edited, c.Declined, c.Weight)
}

// Counts returns every (intent, article) count, sorted by article, then
// intent.
func (s *AnswerStats) Counts() []AnswerCount {
	s.mu.RLock()
	out := make([]AnswerCount, 0, len(s.m))
	for _, a := range s.m {
		out = append(out, a.c)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Article != out[j].Article {
			return out[i].Article < out[j].Article
		}
		return out[i].Intent < out[j].Intent
	})
	return out
}

// ByArticle sums the counts of each article over intents; Weight is the
// lowest weight the article has for any intent.
func (s *AnswerStats) ByArticle() map[string]AnswerCount {
	out := map[string]AnswerCount{}
	for _, c := range s.Counts() {
		t, ok := out[c.Article]
		if !ok {
			t = AnswerCount{Article: c.Article, Weight: 1}
		}
		t.Used += c.Used
		t.Edited += c.Edited
		t.HeavyEdits += c.HeavyEdits
		t.Declined += c.Declined
		t.Weight = math.Min(t.Weight, c.Weight)
		out[c.Article] = t
	}
	return out
}

// reweigh applies w to hits for intent, re-sorts them by the new score
// and keeps the first n.
func reweigh(hits []kb.Hit, intent string, w AnswerWeigher, n int) []kb.Hit {
	changed := false
	for i := range hits {
		f, why := w.Weight(intent, hits[i].Article.ID)
		if f >= 1 || f <= 0 {
			continue
		}
		hits[i].Score *= f
		hits[i].Reasons = append(slices.Clip(hits[i].Reasons), why)
		changed = true
	}
	if changed {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	}
	if len(hits) > n {
		hits = hits[:n]
	}
	return hits
}
