package cli

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
)

// checkAppendResult fails when appendResult and encoding/json disagree on
// r: in the bytes, or in whether r can be written at all.
func checkAppendResult(t *testing.T, r *antwort.Result) {
	t.Helper()
	want, wantErr := encodeResult(r)
	got, err := appendResult(nil, r)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("appendResult error %v, encoding/json error %v, for %#v", err, wantErr, r)
	}
	if err != nil {
		return
	}
	if string(got) != string(want) {
		t.Fatalf("appendResult differs from encoding/json (-json +ours):\n%s", cmp.Diff(string(want), string(got)))
	}
}

func TestAppendResultSameAsEncodingJSON(t *testing.T) {
	alts := []classifier.Scored{{Label: "a", Confidence: 1e-7}, {Label: "b\"c", Confidence: 0.000001}}
	expl := []classifier.Contribution{{Feature: "w:ü<>&", Weight: -0.3}, {Feature: "c:\x00\x1f\x7f", Weight: 1e21}}
	for _, r := range []*antwort.Result{
		{},
		{ID: "1", Lang: "de", Intent: antwort.Label{Label: "x", Confidence: 1, Model: "intent@1", Alternatives: []classifier.Scored{}}},
		{ID: "tab\tnl\ncr\rbs\bff\f\\", Lang: "\u2028\u2029", Intent: antwort.Label{Label: "\xff\xfeok\xc3", Confidence: 0.5, Abstain: true, Alternatives: alts}},
		{Sentiment: antwort.Label{Label: "neutral", Confidence: math.SmallestNonzeroFloat64, Alternatives: alts}, Explanation: antwort.Explanation{Sentiment: expl}},
		{Explanation: antwort.Explanation{Intent: expl, Sentiment: expl}},
		{Explanation: antwort.Explanation{Intent: expl, Sentiment: []classifier.Contribution{}}},
		{Intent: antwort.Label{Confidence: math.Copysign(0, -1)}, Sentiment: antwort.Label{Confidence: -1e-300}},
		{Intent: antwort.Label{Confidence: 123456789012345678901234.0}, Sentiment: antwort.Label{Confidence: 9.999999999999999e20}},
		// Not JSON: both refuse.
		{Intent: antwort.Label{Confidence: math.NaN()}},
		{Explanation: antwort.Explanation{Intent: []classifier.Contribution{{Weight: math.Inf(-1)}}}},
		{Sentiment: antwort.Label{Alternatives: []classifier.Scored{{Confidence: math.Inf(1)}}}},
	} {
		checkAppendResult(t, r)
	}
}

func FuzzAppendResultSameAsEncodingJSON(f *testing.F) {
	f.Add("1", "de", "w:bestellung", 0.5, -0.25, 1e-7, false)
	f.Add("\u2028", "\xff", "\x00\"\\", 1e21, math.Inf(1), 5e-324, true)
	f.Fuzz(func(t *testing.T, id, label, feature string, conf, weight, alt float64, abstain bool) {
		l := antwort.Label{Label: label, Confidence: conf, Abstain: abstain, Model: id + label}
		if alt != 0 {
			l.Alternatives = []classifier.Scored{{Label: feature, Confidence: alt}, {Label: id, Confidence: conf}}
		}
		r := &antwort.Result{ID: id, Lang: label, Intent: l, Sentiment: l}
		if weight != 0 {
			r.Explanation.Intent = []classifier.Contribution{{Feature: feature, Weight: weight}, {Feature: label, Weight: alt}}
		}
		if abstain {
			r.Explanation.Sentiment = []classifier.Contribution{{Feature: id, Weight: conf}}
		}
		checkAppendResult(t, r)
	})
}

// jsonFields lists the fields encoding/json writes for typ, one per
// leaf: its path of JSON tags and its kind (".intent.label string").
// Embedded structs without a tag are flattened, as encoding/json does.
func jsonFields(typ reflect.Type) []string {
	var fields []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			fields = append(fields, prefix+" "+typ.Kind().String())
			return
		}
		for i := range typ.NumField() {
			sf := typ.Field(i)
			switch tag := sf.Tag.Get("json"); {
			case tag == "-":
			case sf.Anonymous && tag == "":
				walk(prefix, sf.Type)
			default:
				walk(prefix+"."+tag, sf.Type)
			}
		}
	}
	walk("", typ)
	return fields
}

// resultFields are jsonFields of antwort.Result as appendResultFields
// writes them.
func resultFields() []string {
	label := func(p string) []string {
		return []string{
			p + ".label string", p + ".confidence float64", p + ".abstain bool",
			p + ".alternatives,omitempty.label string", p + ".alternatives,omitempty.confidence float64",
			p + ".model string",
		}
	}
	want := []string{".id string", ".lang string"}
	want = append(want, label(".intent")...)
	want = append(want, label(".sentiment")...)
	return append(want,
		".explanation.intent,omitempty.feature string", ".explanation.intent,omitempty.weight float64",
		".explanation.sentiment,omitempty.feature string", ".explanation.sentiment,omitempty.weight float64")
}

// checkFieldsWritten fails when a field of fields (see jsonFields) has no
// key in the JSON line got.
func checkFieldsWritten(t *testing.T, fields []string, got []byte) {
	t.Helper()
	for _, f := range fields {
		path := strings.Split(strings.Fields(f)[0], ".")
		name, _, _ := strings.Cut(path[len(path)-1], ",")
		if !strings.Contains(string(got), `"`+name+`":`) {
			t.Errorf("field %s missing from %s", f, got)
		}
	}
}

// TestAppendResultKnowsEveryField fails when a field is added to what
// classify writes without being added to appendResult (its output would
// silently lack it).
func TestAppendResultKnowsEveryField(t *testing.T) {
	want := resultFields()
	if diff := cmp.Diff(want, jsonFields(reflect.TypeFor[antwort.Result]())); diff != "" {
		t.Fatalf("the result types changed; update appendResult and this list (-known +now):\n%s", diff)
	}
	// Every known field is written: a result with each set shows its name.
	r := &antwort.Result{ID: "i", Lang: "l",
		Intent:      antwort.Label{Label: "x", Alternatives: []classifier.Scored{{Label: "y"}}, Model: "m"},
		Sentiment:   antwort.Label{Label: "x", Alternatives: []classifier.Scored{{Label: "y"}}, Model: "m"},
		Explanation: antwort.Explanation{Intent: []classifier.Contribution{{Feature: "f"}}, Sentiment: []classifier.Contribution{{Feature: "f"}}}}
	got, err := appendResult(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	checkFieldsWritten(t, want, got)
	checkAppendResult(t, r)
}
