package antwort

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

// Retraining defaults.
const (
	// DefaultHoldOut: one row in DefaultHoldOut is held out for
	// evaluation (see Retrain).
	DefaultHoldOut = 5
	// DefaultRecentFeedback is how many held-out feedback examples, most
	// recent first, the shadow evaluation uses.
	DefaultRecentFeedback = 500
	// DefaultTolerance is how much lower (as a fraction, 0.01 = one
	// percentage point) a candidate's accuracy may be and still count as
	// not worse.
	DefaultTolerance = 0.01
	// AuditRetrain is the audit action Retrain records.
	AuditRetrain = "retrain"
)

// RetrainOptions configures Retrain. The zero value retrains the intent
// model with the documented defaults.
type RetrainOptions struct {
	// Name is the model to retrain: IntentModel (default) or
	// SentimentModel; feedback gives intent or sentiment labels
	// accordingly.
	Name string
	// Base is the labelled data to start from. nil means the data the
	// active model was trained from, as kept in the store (BaseHash, else
	// DataHash); if the store lacks it, Retrain fails with an error
	// wrapping models.ErrNotFound.
	Base []classifier.Example
	// Train are the training options; nil means the active model's.
	Train *classifier.Options
	// HoldOut: rows whose key hashes to 0 modulo HoldOut are held out
	// (default DefaultHoldOut; labels with fewer rows than HoldOut are
	// never held out).
	HoldOut int
	// Recent bounds the held-out feedback examples evaluated, most recent
	// first (default DefaultRecentFeedback).
	Recent int
	// Tolerance is how much lower the candidate's accuracy may be (default
	// DefaultTolerance; negative means 0).
	Tolerance float64
	// Force promotes the candidate even when it is worse.
	Force bool
	// DryRun trains and evaluates but saves nothing.
	DryRun bool
	// Note is stored with the candidate; CodeVersion too.
	Note, CodeVersion string
	// Workers bounds evaluation parallelism (default 1 per call).
	Workers int
	// Logger receives debug logs; nil discards.
	Logger *slog.Logger
}

// Comparison is two models' figures on the same labelled data.
type Comparison struct {
	N int `json:"n"`
	// Reference names the model the candidate is compared with, e.g.
	// "intent@3", or "intent@3 re-fit without the held-out rows" when the
	// active model was trained on them.
	Reference         string  `json:"reference,omitempty"`
	ActiveAccuracy    float64 `json:"active_accuracy"`
	CandidateAccuracy float64 `json:"candidate_accuracy"`
	ActiveMacroF1     float64 `json:"active_macro_f1"`
	CandidateMacroF1  float64 `json:"candidate_macro_f1"`
}

// Worse reports whether the candidate's accuracy is more than tol below
// the active one's.
func (c Comparison) Worse(tol float64) bool {
	return c.N > 0 && c.CandidateAccuracy < c.ActiveAccuracy-tol-1e-12
}

// RetrainReport is what Retrain did and why.
type RetrainReport struct {
	Name      string `json:"name"`
	Active    int    `json:"active_version"`
	Candidate int    `json:"candidate_version,omitempty"` // 0 on a dry run
	Promoted  bool   `json:"promoted"`
	Forced    bool   `json:"forced,omitempty"`
	DryRun    bool   `json:"dry_run,omitempty"`
	// Decision explains the outcome in one sentence.
	Decision string `json:"decision"`

	BaseExamples    int   `json:"base_examples"`
	BaseHeldOut     int   `json:"base_held_out"`
	Feedback        int   `json:"feedback_examples"`
	FeedbackTrain   int   `json:"feedback_train"`
	FeedbackHeldOut int   `json:"feedback_held_out"`
	FeedbackSkipped int   `json:"feedback_skipped"` // labelled but without text
	FeedbackSeq     int64 `json:"feedback_seq"`
	// NewLabels are labels the candidate knows and the active model does
	// not (new intents from feedback).
	NewLabels []string `json:"new_labels,omitempty"`

	// HeldOut compares on the held-out rows of the base data, Recent on
	// the most recent held-out feedback; both models never trained on
	// them (see Comparison.Reference).
	HeldOut      Comparison     `json:"held_out"`
	Recent       Comparison     `json:"recent_feedback"`
	Labels       map[string]int `json:"labels"`
	TrainSeconds float64        `json:"train_seconds"`
	Time         time.Time      `json:"time"`
}

// keyed is a labelled example with the key that decides whether it is
// held out.
type keyed struct {
	classifier.Example
	key string
	seq int64
}

// heldOut reports whether key falls in the held-out share 1/mod.
func heldOut(key string, mod int) bool {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32()%uint32(mod) == 0
}

// splitHeldOut splits rows into training and held-out rows: a row is held
// out when its key hashes to 0 modulo mod and its label has at least mod
// rows, so a rare (new) label is never held out entirely.
func splitHeldOut(rows []keyed, mod int) (train, held []keyed) {
	count := map[string]int{}
	for _, r := range rows {
		count[r.Label]++
	}
	for _, r := range rows {
		if count[r.Label] >= mod && heldOut(r.key, mod) {
			held = append(held, r)
		} else {
			train = append(train, r)
		}
	}
	return train, held
}

func examplesOf(rows []keyed) []classifier.Example {
	out := make([]classifier.Example, len(rows))
	for i, r := range rows {
		out[i] = r.Example
	}
	return out
}

// FeedbackExamples turns a feedback log into labelled examples for the
// model name (intent or sentiment labels): of the entries with a label,
// the latest per message id wins; entries without the label are ignored,
// and those with the label but without text are counted in skipped.
func FeedbackExamples(log []models.Feedback, name string) (exs []classifier.Example, keys []string, seqs []int64, skipped int) {
	labelOf := func(f models.Feedback) string {
		if name == SentimentModel {
			return f.Sentiment
		}
		return f.Intent
	}
	// The latest entry with a label wins; a later entry about the
	// answer only does not erase the label.
	latest := map[string]int{}
	for i, f := range log {
		if f.MessageID != "" && labelOf(f) != "" {
			latest[f.MessageID] = i
		}
	}
	for i, f := range log {
		label := labelOf(f)
		if label == "" || f.MessageID != "" && latest[f.MessageID] != i {
			continue
		}
		text := Text(&ingest.Message{Subject: f.Subject, Text: f.Text})
		if strings.TrimSpace(text) == "" {
			skipped++
			continue
		}
		key := f.MessageID
		if key == "" {
			key = text
		}
		exs = append(exs, classifier.Example{Text: text, Label: label})
		keys = append(keys, key)
		seqs = append(seqs, f.Seq)
	}
	return exs, keys, seqs, skipped
}

// Retrain trains a candidate for the model opts.Name from the base data
// plus the agents' feedback (new labels included), evaluates the
// candidate and the active model on the same held-out data (shadow
// evaluation) and promotes the candidate only when it is not worse.
//
// The held-out data are the base rows and the feedback examples whose key
// (the text; for feedback the message id) hashes to 0 modulo HoldOut. The
// candidate never trains on them, and neither does any model Retrain
// promoted before, so the comparison is fair: on the base rows the
// candidate is compared with the active model, or, when the active model
// was trained on those rows (by the train command), with the active
// model's recipe re-fit without them; on the most recent held-out
// feedback with the active model itself. The candidate is promoted when
// neither accuracy is more than Tolerance lower, or with Force.
//
// Unless DryRun, the candidate is saved (also when refused, so it can be
// compared with 'models diff' or activated by hand), activated when
// promoted, and the report is recorded in the audit trail under the
// actor of ctx (models.WithActor).
func Retrain(ctx context.Context, store *models.Store, opts RetrainOptions) (*RetrainReport, error) {
	start := time.Now()
	o := opts
	if o.Name == "" {
		o.Name = IntentModel
	}
	if o.HoldOut == 0 {
		o.HoldOut = DefaultHoldOut
	}
	if o.HoldOut < 2 {
		return nil, fmt.Errorf("retrain %s: hold-out %d: want at least 2", o.Name, o.HoldOut)
	}
	if o.Recent <= 0 {
		o.Recent = DefaultRecentFeedback
	}
	if o.Tolerance == 0 {
		o.Tolerance = DefaultTolerance
	}
	o.Tolerance = max(o.Tolerance, 0)
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}

	info, blob, err := store.Load(ctx, o.Name, 0)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, fmt.Errorf("retrain %s: %w: no active model to start from; train one first", o.Name, err)
		}
		return nil, err
	}
	active, err := classifier.UnmarshalModel(blob)
	if err != nil {
		return nil, fmt.Errorf("retrain %s: active version %d: %w", o.Name, info.Version, err)
	}
	activeName := modelName(o.Name, info.Version)

	base := o.Base
	baseHash := ""
	if base == nil {
		baseHash = info.BaseHash
		if baseHash == "" {
			baseHash = info.DataHash
		}
		base, err = TrainingData(ctx, store, baseHash)
		if err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return nil, fmt.Errorf("retrain %s: the training data of %s (hash %q) is not in %s (it was trained before antwort kept training data): give the base data explicitly: %w",
					o.Name, activeName, baseHash, store.Path(), err)
			}
			return nil, fmt.Errorf("retrain %s: %w", o.Name, err)
		}
	} else {
		baseHash = DataHash(base)
	}

	topts := classifier.Options{}
	if o.Train != nil {
		topts = *o.Train
	} else if len(info.Options) > 0 {
		if err := json.Unmarshal(info.Options, &topts); err != nil {
			return nil, fmt.Errorf("retrain %s: options of %s: %w", o.Name, activeName, err)
		}
	}
	topts.Logger = o.Logger

	log, err := store.FeedbackLog(ctx, models.FeedbackQuery{})
	if err != nil {
		return nil, err
	}
	rep := &RetrainReport{Name: o.Name, Active: info.Version, DryRun: o.DryRun, Time: start.UTC()}
	if len(log) > 0 {
		rep.FeedbackSeq = log[len(log)-1].Seq
	}
	fexs, fkeys, fseqs, skipped := FeedbackExamples(log, o.Name)
	rep.FeedbackSkipped = skipped
	var baseRows, fbRows []keyed
	for _, e := range base {
		baseRows = append(baseRows, keyed{Example: e, key: e.Text})
	}
	for i, e := range fexs {
		fbRows = append(fbRows, keyed{Example: e, key: fkeys[i], seq: fseqs[i]})
	}
	baseTrain, baseHeld := splitHeldOut(baseRows, o.HoldOut)
	fbTrain, fbHeld := splitHeldOut(fbRows, o.HoldOut)
	sort.SliceStable(fbHeld, func(i, j int) bool { return fbHeld[i].seq > fbHeld[j].seq })
	if len(fbHeld) > o.Recent {
		fbHeld = fbHeld[:o.Recent]
	}
	rep.BaseExamples, rep.BaseHeldOut = len(base), len(baseHeld)
	rep.Feedback, rep.FeedbackTrain, rep.FeedbackHeldOut = len(fexs), len(fbTrain), len(fbHeld)

	trainSet := append(examplesOf(baseTrain), examplesOf(fbTrain)...)
	t0 := time.Now()
	cand, err := classifier.Train(ctx, trainSet, topts)
	if err != nil {
		return nil, fmt.Errorf("retrain %s: train candidate on %d examples: %w", o.Name, len(trainSet), err)
	}
	rep.TrainSeconds = time.Since(t0).Seconds()
	rep.Labels = cand.Meta().LabelCounts
	for _, l := range cand.Labels() {
		if !slices.Contains(active.Labels(), l) {
			rep.NewLabels = append(rep.NewLabels, l)
		}
	}

	// The reference on the base rows must not have trained on them.
	ref, refName := active, activeName
	if info.HeldOut != o.HoldOut && len(baseHeld) > 0 {
		refOpts := classifier.Options{}
		if len(info.Options) > 0 {
			_ = json.Unmarshal(info.Options, &refOpts) // checked above unless o.Train was set
		}
		if o.Train != nil && len(info.Options) == 0 {
			refOpts = *o.Train
		}
		refOpts.Logger = o.Logger
		ref, err = classifier.Train(ctx, examplesOf(baseTrain), refOpts)
		if err != nil {
			return nil, fmt.Errorf("retrain %s: re-fit %s without the held-out rows: %w", o.Name, activeName, err)
		}
		refName = activeName + " re-fit without the held-out rows"
	}
	if rep.HeldOut, err = compare(ctx, ref, cand, examplesOf(baseHeld), o.Workers); err != nil {
		return nil, err
	}
	rep.HeldOut.Reference = refName
	if rep.Recent, err = compare(ctx, active, cand, examplesOf(fbHeld), o.Workers); err != nil {
		return nil, err
	}
	rep.Recent.Reference = activeName

	var why []string
	switch {
	case rep.HeldOut.N == 0 && rep.Recent.N == 0:
		why = append(why, "no held-out data to compare on")
	default:
		if rep.HeldOut.Worse(o.Tolerance) {
			why = append(why, fmt.Sprintf("held-out accuracy %.4f < %.4f (%s) - tolerance %.4f",
				rep.HeldOut.CandidateAccuracy, rep.HeldOut.ActiveAccuracy, refName, o.Tolerance))
		}
		if rep.Recent.Worse(o.Tolerance) {
			why = append(why, fmt.Sprintf("recent-feedback accuracy %.4f < %.4f (%s) - tolerance %.4f",
				rep.Recent.CandidateAccuracy, rep.Recent.ActiveAccuracy, activeName, o.Tolerance))
		}
	}
	rep.Promoted = len(why) == 0 || o.Force
	rep.Forced = len(why) > 0 && o.Force
	switch {
	case len(why) == 0:
		rep.Decision = fmt.Sprintf("promoted: not worse than %s on %d held-out rows and %d recent feedback examples", activeName, rep.HeldOut.N, rep.Recent.N)
	case o.Force:
		rep.Decision = "promoted by force although " + strings.Join(why, "; ")
	default:
		rep.Decision = "refused: " + strings.Join(why, "; ")
	}
	if o.DryRun {
		rep.Decision = "dry run, nothing saved; would be " + rep.Decision
		return rep, nil
	}

	if o.Base != nil {
		if _, err := SaveTrainingData(ctx, store, o.Base); err != nil {
			return nil, err
		}
	}
	cblob, err := cand.MarshalBinary()
	if err != nil {
		return nil, err
	}
	meta := cand.Meta()
	optJSON, _ := json.Marshal(meta.Options)
	metrics := map[string]float64{
		"train_seconds": rep.TrainSeconds, "c": meta.Options.C, "temperature": meta.Temperature,
		"shadow_heldout_accuracy": rep.HeldOut.CandidateAccuracy, "shadow_heldout_n": float64(rep.HeldOut.N),
		"shadow_feedback_accuracy": rep.Recent.CandidateAccuracy, "shadow_feedback_n": float64(rep.Recent.N),
	}
	for k, v := range meta.HeldOut {
		metrics["heldout_"+k] = v
	}
	note := o.Note
	if note == "" {
		note = fmt.Sprintf("retrain of %s with %d feedback examples", activeName, rep.FeedbackTrain)
		if !rep.Promoted {
			note += " (refused)"
		}
	}
	saved, err := store.Save(ctx, o.Name, models.Info{
		Kind: string(cand.Kind()), DataHash: DataHash(trainSet), BaseHash: baseHash, Examples: len(trainSet),
		Labels: meta.LabelCounts, Options: optJSON, CodeVersion: o.CodeVersion, Metrics: metrics, Note: note,
		Feedback: len(fbTrain), FeedbackSeq: rep.FeedbackSeq, HeldOut: o.HoldOut,
	}, cblob)
	if err != nil {
		return nil, err
	}
	rep.Candidate = saved.Version
	if rep.Promoted {
		if err := store.Activate(ctx, o.Name, saved.Version); err != nil {
			return nil, err
		}
	}
	detail, _ := json.Marshal(rep)
	if _, err := store.Audit(ctx, models.AuditEntry{Action: AuditRetrain, Name: o.Name, Version: saved.Version,
		Previous: info.Version, Note: rep.Decision, Detail: detail}); err != nil {
		return nil, err
	}
	return rep, nil
}

// compare evaluates a (the active model or its stand-in) and b (the
// candidate) on test.
func compare(ctx context.Context, a, b *classifier.Model, test []classifier.Example, workers int) (Comparison, error) {
	c := Comparison{N: len(test)}
	if len(test) == 0 {
		return c, nil
	}
	ra, err := classifier.Evaluate(ctx, a, test, workers)
	if err != nil {
		return c, err
	}
	rb, err := classifier.Evaluate(ctx, b, test, workers)
	if err != nil {
		return c, err
	}
	c.ActiveAccuracy, c.ActiveMacroF1 = ra.Accuracy, ra.MacroF1
	c.CandidateAccuracy, c.CandidateMacroF1 = rb.Accuracy, rb.MacroF1
	return c, nil
}

// DiffOptions configures DiffModels.
type DiffOptions struct {
	// KB, when set, is searched for the recent messages so that the
	// policy's decisions (send, suggest, escalate, ignore) of both
	// versions can be compared; Policy is the policy (default
	// reply.DefaultPolicy()).
	KB     *kb.KB
	Policy *reply.Policy
	// Messages bounds the recent messages compared (default 500).
	Messages int
	// HoldOut is the held-out rule of Retrain (default DefaultHoldOut).
	HoldOut int
	// Workers bounds evaluation parallelism (default 1).
	Workers int
}

// LabelDiff is one label's figures under both versions.
type LabelDiff struct {
	Label      string  `json:"label"`
	Support    int     `json:"support"`
	PrecisionA float64 `json:"precision_a"`
	PrecisionB float64 `json:"precision_b"`
	RecallA    float64 `json:"recall_a"`
	RecallB    float64 `json:"recall_b"`
	F1A        float64 `json:"f1_a"`
	F1B        float64 `json:"f1_b"`
}

// Transition counts messages whose result changed from From to To.
type Transition struct {
	From string `json:"from"`
	To   string `json:"to"`
	N    int    `json:"n"`
}

// ModelDiff compares two versions of a model.
type ModelDiff struct {
	Name string `json:"name"`
	A    int    `json:"a"`
	B    int    `json:"b"`

	// N labelled held-out rows (base data of either version and
	// feedback) on which both are scored. SawHeldOut names the versions
	// that trained on those rows, whose figures are then optimistic.
	N          int      `json:"n"`
	SawHeldOut []string `json:"saw_held_out,omitempty"`
	// NoHeldOut says why N is 0.
	NoHeldOut string      `json:"no_held_out,omitempty"`
	AccuracyA float64     `json:"accuracy_a"`
	AccuracyB float64     `json:"accuracy_b"`
	MacroF1A  float64     `json:"macro_f1_a"`
	MacroF1B  float64     `json:"macro_f1_b"`
	Labels    []LabelDiff `json:"labels"`
	Added     []string    `json:"added_labels,omitempty"`
	Removed   []string    `json:"removed_labels,omitempty"`

	// Messages recent messages were classified by both; Changed of them
	// got another label (Transitions, most frequent first).
	Messages    int          `json:"messages"`
	Changed     int          `json:"changed"`
	Transitions []Transition `json:"transitions,omitempty"`
	// Decisions of them were also answered by both (with DiffOptions.KB);
	// DecisionsChanged got another action.
	Decisions           int          `json:"decisions"`
	DecisionsChanged    int          `json:"decisions_changed"`
	DecisionTransitions []Transition `json:"decision_transitions,omitempty"`
}

// DiffModels compares versions a and b of the model name: accuracy and
// per-label figures on the held-out labelled data the store has (the
// held-out rows of both versions' training data and of the feedback, see
// Retrain), and how their answers differ on the most recent messages
// antwort saw: labels and, with opts.KB, the policy's decisions.
func DiffModels(ctx context.Context, store *models.Store, name string, a, b int, opts DiffOptions) (*ModelDiff, error) {
	if opts.HoldOut <= 1 {
		opts.HoldOut = DefaultHoldOut
	}
	if opts.Messages <= 0 {
		opts.Messages = 500
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	d := &ModelDiff{Name: name, A: a, B: b}
	var ms [2]*classifier.Model
	var infos [2]models.Info
	for i, v := range []int{a, b} {
		info, blob, err := store.Load(ctx, name, v)
		if err != nil {
			return nil, err
		}
		m, err := classifier.UnmarshalModel(blob)
		if err != nil {
			return nil, fmt.Errorf("diff %s: version %d: %w", name, v, err)
		}
		ms[i], infos[i] = m, info
	}
	for _, l := range ms[1].Labels() {
		if !slices.Contains(ms[0].Labels(), l) {
			d.Added = append(d.Added, l)
		}
	}
	for _, l := range ms[0].Labels() {
		if !slices.Contains(ms[1].Labels(), l) {
			d.Removed = append(d.Removed, l)
		}
	}

	// Held-out labelled rows.
	seen := map[classifier.Example]bool{}
	var test []classifier.Example
	var rowsSeen, eligible, most int // labelled rows, of them in labels that can be held out, largest label
	count := func(rows []keyed) {
		per := map[string]int{}
		for _, r := range rows {
			per[r.Label]++
		}
		rowsSeen += len(rows)
		for _, n := range per {
			most = max(most, n)
			if n >= opts.HoldOut {
				eligible += n
			}
		}
	}
	var hashes []string
	for _, info := range infos {
		h := info.BaseHash
		if h == "" {
			h = info.DataHash
		}
		if h == "" || slices.Contains(hashes, h) {
			continue
		}
		hashes = append(hashes, h)
		base, err := TrainingData(ctx, store, h)
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var rows []keyed
		for _, e := range base {
			rows = append(rows, keyed{Example: e, key: e.Text})
		}
		count(rows)
		_, held := splitHeldOut(rows, opts.HoldOut)
		for _, r := range held {
			if !seen[r.Example] {
				seen[r.Example] = true
				test = append(test, r.Example)
			}
		}
	}
	log, err := store.FeedbackLog(ctx, models.FeedbackQuery{})
	if err != nil {
		return nil, err
	}
	fexs, fkeys, _, _ := FeedbackExamples(log, name)
	var frows []keyed
	for i, e := range fexs {
		frows = append(frows, keyed{Example: e, key: fkeys[i]})
	}
	count(frows)
	_, fheld := splitHeldOut(frows, opts.HoldOut)
	for _, r := range fheld {
		if !seen[r.Example] {
			seen[r.Example] = true
			test = append(test, r.Example)
		}
	}
	for i, info := range infos {
		if info.HeldOut != opts.HoldOut && len(test) > 0 {
			d.SawHeldOut = append(d.SawHeldOut, modelName(name, []int{a, b}[i]))
		}
	}
	d.N = len(test)
	switch {
	case len(test) > 0:
	case rowsSeen == 0:
		d.NoHeldOut = "the store keeps no training data of either version and no labelled feedback"
	case eligible == 0:
		d.NoHeldOut = fmt.Sprintf("the store keeps %d labelled rows, but a label needs at least %d rows before one of them is held out, and the largest has %d",
			rowsSeen, opts.HoldOut, most)
	default:
		d.NoHeldOut = fmt.Sprintf("none of the %d rows of labels with at least %d rows falls in the held-out share (1 in %d, chosen by a hash of the text)",
			eligible, opts.HoldOut, opts.HoldOut)
	}
	if len(test) > 0 {
		ra, err := classifier.Evaluate(ctx, ms[0], test, opts.Workers)
		if err != nil {
			return nil, err
		}
		rb, err := classifier.Evaluate(ctx, ms[1], test, opts.Workers)
		if err != nil {
			return nil, err
		}
		d.AccuracyA, d.AccuracyB, d.MacroF1A, d.MacroF1B = ra.Accuracy, rb.Accuracy, ra.MacroF1, rb.MacroF1
		labels := map[string]bool{}
		for l := range ra.PerLabel {
			labels[l] = true
		}
		for l := range rb.PerLabel {
			labels[l] = true
		}
		for _, l := range slices.Sorted(maps.Keys(labels)) {
			pa, pb := ra.PerLabel[l], rb.PerLabel[l]
			d.Labels = append(d.Labels, LabelDiff{Label: l, Support: max(pa.Support, pb.Support),
				PrecisionA: pa.Precision, PrecisionB: pb.Precision, RecallA: pa.Recall, RecallB: pb.Recall, F1A: pa.F1, F1B: pb.F1})
		}
	}

	// Recent messages.
	recent, err := store.RecentSeen(ctx, opts.Messages)
	if err != nil {
		return nil, err
	}
	var engs [2]*Engine
	if opts.KB != nil && (name == IntentModel || name == SentimentModel) && len(recent) > 0 {
		pol := opts.Policy
		if pol == nil {
			p := reply.DefaultPolicy()
			pol = &p
		}
		now := time.Now()
		for i, v := range []int{a, b} {
			lo := LoadOptions{Explain: -1, Alternatives: -1}
			if name == IntentModel {
				lo.IntentVersion = v
			} else {
				lo.SentimentVersion = v
			}
			e, err := Load(ctx, store, lo)
			if err != nil {
				return nil, err
			}
			// A limiter per engine, so the first one's answers do not
			// rate-limit the second's.
			if engs[i], err = e.WithReplies(ReplyConfig{KB: opts.KB, Policy: pol, Limiter: reply.NewLimiter(pol.RateLimit.Per),
				Now: func() time.Time { return now }}); err != nil {
				return nil, err
			}
		}
	}
	labelT, actT := map[[2]string]int{}, map[[2]string]int{}
	for _, m := range recent {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msg := &ingest.Message{ID: m.ID, Subject: m.Subject, Text: m.Text, Channel: m.Channel}
		text := Text(msg)
		if strings.TrimSpace(text) == "" {
			continue
		}
		d.Messages++
		la, lb := ms[0].Predict(text).Label, ms[1].Predict(text).Label
		if la != lb {
			d.Changed++
			labelT[[2]string{la, lb}]++
		}
		if engs[0] != nil {
			sa, err := engs[0].Suggest(ctx, msg)
			if err != nil {
				return nil, err
			}
			sb, err := engs[1].Suggest(ctx, msg)
			if err != nil {
				return nil, err
			}
			d.Decisions++
			if sa.Decision.Action != sb.Decision.Action {
				d.DecisionsChanged++
				actT[[2]string{string(sa.Decision.Action), string(sb.Decision.Action)}]++
			}
		}
	}
	d.Transitions, d.DecisionTransitions = transitions(labelT), transitions(actT)
	return d, nil
}

func transitions(m map[[2]string]int) []Transition {
	var out []Transition
	for k, n := range m {
		out = append(out, Transition{From: k[0], To: k[1], N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}
